package dev.tursosync;

import org.jspecify.annotations.Nullable;

/**
 * A statement failed on the remote database (an in-band Hrana error such as a constraint violation or a syntax
 * error).
 */
public class RemoteSqlException extends TursoSyncException {

    /** The message the remote database gave. */
    private final String remoteMessage;
    /** The remote error code, possibly {@code null}. */
    private final @Nullable String code;

    /**
     * Creates the exception.
     *
     * @param context       what was being executed, for example the table and operation of a pushed change
     * @param remoteMessage the remote error message
     * @param code          the remote error code, possibly {@code null}
     */
    public RemoteSqlException(String context, String remoteMessage, @Nullable String code) {
        super(context + ": " + remoteMessage + (code == null ? "" : " [" + code + "]"));
        this.remoteMessage = remoteMessage;
        this.code = code;
    }

    /**
     * The message the remote database gave.
     *
     * @return the message
     */
    public String remoteMessage() {
        return remoteMessage;
    }

    /**
     * The remote error code, for example {@code SQLITE_CONSTRAINT} or {@code EXECUTE_ERROR}.
     *
     * @return the code, or {@code null} if the server sent none
     */
    public @Nullable String code() {
        return code;
    }
}
