package dev.tursosync;

import org.jspecify.annotations.Nullable;

/**
 * A pull could not replay a pending local change on top of the new remote state (its table was dropped remotely, a
 * constraint now rejects it, ...). The pull was undone: the local database, its pending changes and the synced
 * revision are as they were before it. Resolve the conflict, for example by skipping or rewriting the change in
 * {@link SyncClient.Builder#transform}, or by changing the local data, then pull again.
 */
public final class ReplayFailedException extends TursoSyncException {

    /** The local change id of the change that failed. */
    private final long changeId;
    /** The table (or schema object) of the change. */
    private final String table;
    /** The kind of change. */
    private final String operation;
    /** SQLite's message for the failure. */
    private final String sqliteMessage;

    /**
     * Creates the exception.
     *
     * @param changeId      the local change id
     * @param table         the table (or, for a schema change, the object)
     * @param operation     {@code INSERT}, {@code UPDATE}, {@code DELETE} or {@code SCHEMA}
     * @param revision      the remote revision the pull tried to apply
     * @param sqliteMessage SQLite's error message
     * @param cause         the SQL error
     */
    public ReplayFailedException(long changeId, String table, String operation, String revision,
                                 String sqliteMessage, @Nullable Throwable cause) {
        super("local change " + changeId + " (" + operation + " on \"" + table + "\") cannot be replayed on top of "
                + "remote revision " + revision + ": " + sqliteMessage + "; the pull was undone and the change "
                + "stays pending (skip or rewrite it with the transform hook, or change the local data, then pull "
                + "again)", cause);
        this.changeId = changeId;
        this.table = table;
        this.operation = operation;
        this.sqliteMessage = sqliteMessage;
    }

    /**
     * The local change id of the change that failed.
     *
     * @return the id
     */
    public long changeId() {
        return changeId;
    }

    /**
     * The table the change belongs to (for a schema change, the object).
     *
     * @return the name
     */
    public String table() {
        return table;
    }

    /**
     * The kind of change.
     *
     * @return {@code INSERT}, {@code UPDATE}, {@code DELETE} or {@code SCHEMA}
     */
    public String operation() {
        return operation;
    }

    /**
     * SQLite's message for the failure.
     *
     * @return the message
     */
    public String sqliteMessage() {
        return sqliteMessage;
    }
}
