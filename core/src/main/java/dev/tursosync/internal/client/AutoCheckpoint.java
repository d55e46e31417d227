package dev.tursosync.internal.client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * The automatic checkpoint policy: after each unit of local work, when the WAL has grown past a size, one checkpoint
 * runs in the background.
 *
 * <p>The WAL's size is looked at after every statement (one {@code stat}, a microsecond or two), not on a timer: the
 * checkpoint's request for the database is queued while the work that crossed the size still holds it, so later work
 * waits for the checkpoint and the WAL stays within about one statement (or the rest of an open transaction) past the
 * size. Only a pull or push that is running at that moment lets it grow further, until the checkpoint's turn comes.
 */
final class AutoCheckpoint {

    private static final Logger LOG = LoggerFactory.getLogger(AutoCheckpoint.class);

    private final Path wal;
    private final long thresholdBytes;
    private final Supplier<Mono<Void>> checkpoint;
    private final AtomicBoolean running = new AtomicBoolean();

    /**
     * Creates the policy.
     *
     * @param wal            the WAL file
     * @param thresholdBytes the size that triggers a checkpoint; 0 disables the policy
     * @param checkpoint     starts a checkpoint
     */
    AutoCheckpoint(Path wal, long thresholdBytes, Supplier<Mono<Void>> checkpoint) {
        this.wal = wal;
        this.thresholdBytes = thresholdBytes;
        this.checkpoint = checkpoint;
    }

    /** Called after each unit of local work, on a database thread. */
    void afterWork() {
        if (thresholdBytes <= 0 || running.get()) {
            return;
        }
        if (walSize() >= thresholdBytes && running.compareAndSet(false, true)) {
            LOG.debug("the WAL passed {} bytes; checkpointing", thresholdBytes);
            checkpoint.get()
                    .doFinally(signal -> running.set(false))
                    .subscribe(done -> { }, error -> LOG.warn("automatic checkpoint failed: {}", error.toString()));
        }
    }

    private long walSize() {
        try {
            return Files.size(wal);
        } catch (IOException e) {
            return 0;
        }
    }
}
