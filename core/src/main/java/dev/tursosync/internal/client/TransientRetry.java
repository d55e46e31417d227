package dev.tursosync.internal.client;

import dev.tursosync.RetryOptions;
import dev.tursosync.TursoSyncException;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * The retry of one client operation after transient failures, with exponential backoff and jitter
 * ({@link RetryOptions}); the wait is published on the status stream. Delays run on Reactor's parallel scheduler, so
 * tests can replace it with virtual time.
 */
final class TransientRetry {

    private static final Logger LOG = LoggerFactory.getLogger(TransientRetry.class);

    private final RetryOptions options;
    private final Backoff backoff;
    private final StatusTracker status;

    TransientRetry(RetryOptions options, StatusTracker status) {
        this(options, new Backoff(options.firstBackoff(), options.maxBackoff(), options.jitter()), status);
    }

    TransientRetry(RetryOptions options, Backoff backoff, StatusTracker status) {
        this.options = options;
        this.backoff = backoff;
        this.status = status;
    }

    /**
     * Whether a failure may go away by itself.
     *
     * @param error the failure
     * @return {@code true} for a transient {@link TursoSyncException}
     */
    static boolean isTransient(Throwable error) {
        return error instanceof TursoSyncException sync && sync.isTransient();
    }

    /**
     * The retry spec for one operation.
     *
     * @param operation what is retried, for the log
     * @return the spec
     */
    Retry forOperation(String operation) {
        return Retry.from(signals -> signals.concatMap(signal -> {
            Throwable error = signal.failure();
            long retry = signal.totalRetries() + 1;
            if (!isTransient(error) || retry > options.maxRetries()) {
                return Mono.error(error);
            }
            Duration delay = backoff.delay(retry);
            status.backingOff(error, Instant.now().plus(delay));
            LOG.warn("{} failed ({}); retry {} of {} in {} ms", operation, error.getMessage(), retry,
                    options.maxRetries(), delay.toMillis());
            return Mono.delay(delay).thenReturn(retry);
        }));
    }
}
