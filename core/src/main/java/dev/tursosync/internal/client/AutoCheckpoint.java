package dev.tursosync.internal.client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * The automatic checkpoint policy: after local work, when the WAL has grown past a size, one checkpoint runs in the
 * background. The WAL's size is looked at most every {@value #CHECK_INTERVAL_MILLIS} ms.
 */
final class AutoCheckpoint {

    private static final Logger LOG = LoggerFactory.getLogger(AutoCheckpoint.class);
    private static final long CHECK_INTERVAL_MILLIS = 50;

    private final Path wal;
    private final long thresholdBytes;
    private final Supplier<Mono<Void>> checkpoint;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicLong lastCheck = new AtomicLong();

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
        long now = System.currentTimeMillis();
        long last = lastCheck.get();
        if (now - last < CHECK_INTERVAL_MILLIS || !lastCheck.compareAndSet(last, now)) {
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
