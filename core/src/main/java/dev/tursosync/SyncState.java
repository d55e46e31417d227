package dev.tursosync;

/**
 * What a {@link SyncClient} is doing, as reported by {@link SyncClient#status()}.
 */
public enum SyncState {

    /** Open, and no pull, push or checkpoint is running. */
    IDLE,

    /** A pull is running: fetching pages, or applying them with the pending local changes rebased on top. */
    PULLING,

    /** A push is running. */
    PUSHING,

    /** A checkpoint is folding the WAL into the database file. */
    CHECKPOINTING,

    /** An operation failed and is waiting before its next attempt; {@link SyncStatus#error()} says why. */
    BACKING_OFF,

    /** The client is closed (or was never opened). */
    CLOSED
}
