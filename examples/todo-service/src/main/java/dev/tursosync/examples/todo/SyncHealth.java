package dev.tursosync.examples.todo;

import dev.tursosync.SyncStats;

/**
 * The body of {@code GET /health}.
 *
 * @param status   how syncing goes
 * @param lastSync the last background sync, or {@code null} before the first one ends
 * @param replica  the client's counters: revision, pending local changes, last pull and push, bytes sent and received
 */
public record SyncHealth(Status status, SyncOutcome lastSync, SyncStats replica) {

    /** How syncing goes. */
    public enum Status {
        /** No background sync has ended yet. */
        STARTING,
        /** The last sync succeeded. */
        UP,
        /** The last sync failed; the service keeps serving the replica and the next sync tries again. */
        SYNC_FAILING
    }

    /**
     * The health for a last outcome and the client's counters.
     *
     * @param lastSync the last background sync, or {@code null}
     * @param replica  the client's counters
     * @return the health
     */
    public static SyncHealth of(SyncOutcome lastSync, SyncStats replica) {
        Status status = lastSync == null ? Status.STARTING : lastSync.succeeded() ? Status.UP : Status.SYNC_FAILING;
        return new SyncHealth(status, lastSync, replica);
    }
}
