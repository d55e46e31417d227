package dev.tursosync.internal.pull;

import dev.tursosync.ChangeEvent;
import dev.tursosync.internal.io.SideWork;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * The change events of a pull, decoded on another thread while the apply writes the WAL and the journal: decoding
 * is CPU work and the apply mostly waits on the disk. The pages it reads (the synced state and the stage) do not
 * change until the apply checkpoints, and the apply waits for it before that, also when the apply fails. Nothing
 * here cancels or interrupts it: an interrupt would close the file channels it reads.
 */
final class EventDecoding {

    private final SideWork<List<ChangeEvent>> running;

    private EventDecoding(SideWork<List<ChangeEvent>> running) {
        this.running = running;
    }

    /**
     * Starts decoding; on the caller's thread, at once, if the executor takes no more work.
     *
     * @param decode   the decoding work
     * @param executor the thread it runs on
     * @return the running decoding
     */
    static EventDecoding start(Supplier<List<ChangeEvent>> decode, Executor executor) {
        return new EventDecoding(SideWork.start(decode, executor));
    }

    /**
     * Waits for the events.
     *
     * @return the events
     * @throws RuntimeException what decoding threw
     */
    List<ChangeEvent> await() {
        return running.await();
    }

    /** Waits until decoding stopped, whatever its outcome, so that nothing reads the files after the apply. */
    void awaitQuietly() {
        running.awaitQuietly();
    }
}
