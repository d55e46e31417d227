package dev.tursosync;

import org.jspecify.annotations.Nullable;

/**
 * The transform hook ({@link SyncClient.Builder#transform}) threw while deciding what to do with a change. Nothing
 * of the batch that held the change was sent (in a pull, the pull was undone), and the change stays pending. The
 * hook's exception is the cause.
 */
public final class TransformFailedException extends TursoSyncException {

    /** The local change id of the change the hook was given. */
    private final long changeId;
    /** The table of the change. */
    private final String table;

    /**
     * Creates the exception.
     *
     * @param changeId  the local change id
     * @param table     the table of the change
     * @param operation {@code INSERT}, {@code UPDATE} or {@code DELETE}
     * @param cause     what the hook threw
     */
    public TransformFailedException(long changeId, String table, String operation, @Nullable Throwable cause) {
        super("the transform hook threw on local change " + changeId + " (" + operation + " on \"" + table
                + "\"): " + cause + "; nothing of its batch was applied and it stays pending", cause);
        this.changeId = changeId;
        this.table = table;
    }

    /**
     * The local change id of the change the hook was given.
     *
     * @return the id
     */
    public long changeId() {
        return changeId;
    }

    /**
     * The table of the change.
     *
     * @return the table name
     */
    public String table() {
        return table;
    }
}
