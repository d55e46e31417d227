package dev.tursosync.internal.pull;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.scheduler.Scheduler;

/**
 * Starts writing a file's data to disk while it is still being written: after every {@code flushBytes} written, one
 * {@link FileChannel#force(boolean) force} of the data runs on another thread of the scheduler (never two at once,
 * and never waited for), so the disk works during the stream and the force after it has only the tail left to write.
 *
 * <p>Only an optimisation: the writer's own force after the last write is what makes the file durable, so a
 * background force that fails (the file closed meanwhile, the scheduler shut down) is ignored.
 */
final class WriteBehind {

    /** Bytes written between two background forces by default: six forces over a 50 MB bootstrap. */
    static final long DEFAULT_FLUSH_BYTES = 8L << 20;

    private final FileChannel file;
    private final Scheduler scheduler;
    private final long flushBytes;
    private final AtomicBoolean flushing = new AtomicBoolean();
    private final AtomicInteger started = new AtomicInteger();
    private long unflushed;

    WriteBehind(FileChannel file, Scheduler scheduler, long flushBytes) {
        this.file = file;
        this.scheduler = scheduler;
        this.flushBytes = flushBytes;
    }

    /**
     * Counts written bytes; starts a background force once enough were written since the last one, unless one still
     * runs. Called from the writing thread only.
     *
     * @param bytes how many bytes were just written
     */
    void written(long bytes) {
        unflushed += bytes;
        if (unflushed < flushBytes || !flushing.compareAndSet(false, true)) {
            return;
        }
        unflushed = 0;
        try {
            scheduler.schedule(this::flush);
            started.incrementAndGet();
        } catch (RejectedExecutionException e) {
            flushing.set(false);
        }
    }

    /**
     * How many background forces were started.
     *
     * @return the count
     */
    int started() {
        return started.get();
    }

    private void flush() {
        try {
            file.force(false);
        } catch (IOException | RuntimeException ignored) {
            // the writer's final force decides; a closed file here means the write already ended
        } finally {
            flushing.set(false);
        }
    }
}
