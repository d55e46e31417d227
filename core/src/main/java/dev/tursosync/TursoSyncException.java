package dev.tursosync;

import org.jspecify.annotations.Nullable;

/**
 * Base type of every error raised by the sync client.
 *
 * <p>Subtypes say what went wrong: the server refused the credentials ({@link SyncAuthenticationException}),
 * answered with an error status ({@link SyncServerException}), sent something that breaks the protocol
 * ({@link SyncProtocolException}), the connection failed or timed out ({@link SyncTransportException}), or a
 * statement failed on the remote database ({@link RemoteSqlException}).
 *
 * <p>Messages never contain the auth token or the encryption key.
 */
public class TursoSyncException extends RuntimeException {

    /**
     * Creates an exception with a message and an optional cause.
     *
     * @param message what went wrong, free of secrets
     * @param cause   the underlying error, or {@code null}
     */
    public TursoSyncException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }

    /**
     * Creates an exception with a message.
     *
     * @param message what went wrong, free of secrets
     */
    public TursoSyncException(String message) {
        super(message);
    }

    /**
     * Tells whether the same operation may succeed if tried again later, for example after a connection reset or a
     * {@code 503}. Errors caused by data, credentials or a broken protocol are not transient.
     *
     * @return {@code true} if a retry of the whole operation makes sense
     */
    public boolean isTransient() {
        return false;
    }
}
