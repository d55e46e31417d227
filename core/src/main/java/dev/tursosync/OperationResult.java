package dev.tursosync;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * How one pull, push or checkpoint of a {@link SyncClient} ended, as published on {@link SyncClient#operations()}:
 * for metrics and logs. One result is published per call (or per background operation), after its retries.
 *
 * @param operation     what ran
 * @param outcome       whether it succeeded, failed or was cancelled
 * @param duration      from its start (subscription) to its end, retries included
 * @param error         the error if it failed, else {@code null}
 * @param changesPushed the local changes a successful push sent, else 0
 * @param bytesSent     request body bytes the client sent since it was opened, counted when the operation ended
 * @param bytesReceived reply body bytes the client received since it was opened, counted when the operation ended
 */
public record OperationResult(Operation operation, Outcome outcome, Duration duration, @Nullable Throwable error,
                              long changesPushed, long bytesSent, long bytesReceived) {

    /**
     * Checks the required fields.
     *
     * @param operation     what ran
     * @param outcome       how it ended
     * @param duration      how long it took
     * @param error         the error, or {@code null}
     * @param changesPushed the changes pushed
     * @param bytesSent     the bytes sent since open
     * @param bytesReceived the bytes received since open
     */
    public OperationResult {
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(duration, "duration");
    }

    /**
     * The error of a failed operation.
     *
     * @return the error, or empty unless {@link #outcome()} is {@link Outcome#FAILURE}
     */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(error);
    }

    /** The operations that publish a result. */
    public enum Operation {
        /** {@link SyncClient#pullChanges()}, also as part of {@link SyncClient#sync()} and background sync. */
        PULL,
        /** {@link SyncClient#push()}, also as part of {@link SyncClient#sync()} and background sync. */
        PUSH,
        /** {@link SyncClient#checkpoint()}, also the automatic one. */
        CHECKPOINT
    }

    /** How an operation ended. */
    public enum Outcome {
        /** It completed. */
        SUCCESS,
        /** It failed after its retries; {@link OperationResult#error()} says why. */
        FAILURE,
        /** Its subscriber cancelled it (background sync stopping, or a pull interrupted for a push). */
        CANCELLED
    }
}
