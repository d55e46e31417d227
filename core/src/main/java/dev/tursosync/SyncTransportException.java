package dev.tursosync;

import org.jspecify.annotations.Nullable;

/**
 * The connection to the server failed: refused, reset, closed before the reply was complete (also a page stream
 * that ends in the middle of a message), or timed out
 * ({@link SyncTimeoutException}). Always transient: the operation may be retried as a whole.
 */
public class SyncTransportException extends TursoSyncException {

    /**
     * Creates the exception.
     *
     * @param message what failed, with the endpoint and the server address
     * @param cause   the network error
     */
    public SyncTransportException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }

    @Override
    public boolean isTransient() {
        return true;
    }
}
