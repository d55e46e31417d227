package dev.tursosync;

import org.jspecify.annotations.Nullable;

/**
 * The remote refused a pushed change (a constraint violation, a missing table or column...). Nothing of the batch
 * that held the change was committed, the remote bookkeeping did not move, and the change stays pending locally:
 * fix the cause (for example with {@link SyncClient.Builder#transform}) and push again.
 */
public final class PushRejectedException extends RemoteSqlException {

    /** The local change id of the rejected change. */
    private final long changeId;
    /** The table of the change, or the object of a schema change. */
    private final String table;
    /** {@code INSERT}, {@code UPDATE}, {@code DELETE} or {@code SCHEMA}. */
    private final String operation;

    /**
     * Creates the exception.
     *
     * @param changeId      the local change id
     * @param table         the table (or, for a schema change, the object)
     * @param operation     {@code INSERT}, {@code UPDATE}, {@code DELETE} or {@code SCHEMA}
     * @param remoteMessage the remote error message
     * @param code          the remote error code, possibly {@code null}
     */
    public PushRejectedException(long changeId, String table, String operation, String remoteMessage, @Nullable String code) {
        super("the remote rejected local change " + changeId + " (" + operation + " on \"" + table
                + "\"); nothing of its batch was committed and it stays pending", remoteMessage, code);
        this.changeId = changeId;
        this.table = table;
        this.operation = operation;
    }

    /**
     * The local change id of the rejected change.
     *
     * @return the id
     */
    public long changeId() {
        return changeId;
    }

    /**
     * The table the change was made to.
     *
     * @return the table name
     */
    public String table() {
        return table;
    }

    /**
     * The kind of change: {@code INSERT}, {@code UPDATE}, {@code DELETE} or {@code SCHEMA}.
     *
     * @return the operation
     */
    public String operation() {
        return operation;
    }
}
