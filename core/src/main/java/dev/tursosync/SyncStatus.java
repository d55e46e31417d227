package dev.tursosync;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One moment of a {@link SyncClient}'s life, as emitted by {@link SyncClient#status()}: what it is doing, the last
 * error, when it tries again after that error, and when the last pull and push succeeded. A health endpoint can
 * expose the latest one.
 */
public final class SyncStatus {

    private final SyncState state;
    private final @Nullable Throwable error;
    private final @Nullable Instant nextAttempt;
    private final @Nullable Instant lastPull;
    private final @Nullable Instant lastPush;

    /**
     * Creates a status.
     *
     * @param state       what the client is doing
     * @param error       the last error, or {@code null} if the last operation succeeded
     * @param nextAttempt when a failed operation runs again, or {@code null} if none waits
     * @param lastPull    when the last pull succeeded, or {@code null} if none did
     * @param lastPush    when the last push succeeded, or {@code null} if none did
     */
    public SyncStatus(SyncState state, @Nullable Throwable error, @Nullable Instant nextAttempt,
                      @Nullable Instant lastPull, @Nullable Instant lastPush) {
        this.state = Objects.requireNonNull(state, "state");
        this.error = error;
        this.nextAttempt = nextAttempt;
        this.lastPull = lastPull;
        this.lastPush = lastPush;
    }

    /**
     * What the client is doing.
     *
     * @return the state
     */
    public SyncState state() {
        return state;
    }

    /**
     * The error of the last operation that failed, kept until an operation succeeds. While
     * {@linkplain SyncState#BACKING_OFF backing off} it is the cause of the wait.
     *
     * @return the error, or empty if the last operation succeeded
     */
    public Optional<Throwable> error() {
        return Optional.ofNullable(error);
    }

    /**
     * When the operation that failed runs again.
     *
     * @return the time of the next attempt while backing off, else empty
     */
    public Optional<Instant> nextAttempt() {
        return Optional.ofNullable(nextAttempt);
    }

    /**
     * When the last pull succeeded (also one that found nothing new), as recorded in the metadata.
     *
     * @return the time, or empty if this replica never pulled
     */
    public Optional<Instant> lastPull() {
        return Optional.ofNullable(lastPull);
    }

    /**
     * When the last push that sent changes succeeded, as recorded in the metadata.
     *
     * @return the time, or empty if this replica never pushed
     */
    public Optional<Instant> lastPush() {
        return Optional.ofNullable(lastPush);
    }

    /**
     * A copy in another state; the times and the error are kept.
     *
     * @param newState the state
     * @return the copy
     */
    public SyncStatus withState(SyncState newState) {
        return new SyncStatus(newState, error, null, lastPull, lastPush);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SyncStatus that && state == that.state && Objects.equals(error, that.error)
                && Objects.equals(nextAttempt, that.nextAttempt) && Objects.equals(lastPull, that.lastPull)
                && Objects.equals(lastPush, that.lastPush);
    }

    @Override
    public int hashCode() {
        return Objects.hash(state, error, nextAttempt, lastPull, lastPush);
    }

    @Override
    public String toString() {
        return "SyncStatus[state=" + state + (error == null ? "" : ", error=" + error)
                + (nextAttempt == null ? "" : ", nextAttempt=" + nextAttempt) + ", lastPull=" + lastPull
                + ", lastPush=" + lastPush + "]";
    }
}
