package dev.tursosync.examples.todo;

import dev.tursosync.SyncState;
import dev.tursosync.SyncStats;
import dev.tursosync.SyncStatus;
import java.time.Instant;

/**
 * The body of {@code GET /health}.
 *
 * @param status      how syncing goes
 * @param state       what the client is doing: {@code IDLE}, {@code PULLING}, {@code PUSHING}, {@code CHECKPOINTING},
 *                    {@code BACKING_OFF}
 * @param error       the last error, while it is not followed by a success; else {@code null}
 * @param nextAttempt when the failed operation runs again, while backing off; else {@code null}
 * @param lastPull    when the last pull succeeded, or {@code null}
 * @param lastPush    when the last push that sent changes succeeded, or {@code null}
 * @param replica     the client's counters: revision, pending local changes, bytes sent and received, file sizes
 */
public record SyncHealth(Status status, SyncState state, String error, Instant nextAttempt, Instant lastPull,
                         Instant lastPush, SyncStats replica) {

    /** How syncing goes. */
    public enum Status {
        /** No pull has succeeded yet. */
        STARTING,
        /** The last operation succeeded. */
        UP,
        /** The last operation failed; the service keeps serving its replica and background sync tries again. */
        SYNC_FAILING
    }

    /**
     * The health for a status and the client's counters.
     *
     * @param sync    the client's latest status
     * @param replica the client's counters
     * @return the health
     */
    public static SyncHealth of(SyncStatus sync, SyncStats replica) {
        Status status = sync.error().isPresent() ? Status.SYNC_FAILING
                : sync.lastPull().isEmpty() ? Status.STARTING : Status.UP;
        return new SyncHealth(status, sync.state(), sync.error().map(Throwable::toString).orElse(null),
                sync.nextAttempt().orElse(null), sync.lastPull().orElse(null), sync.lastPush().orElse(null), replica);
    }
}
