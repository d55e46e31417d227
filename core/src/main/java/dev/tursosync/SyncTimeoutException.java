package dev.tursosync;

import org.jspecify.annotations.Nullable;

/**
 * The server did not answer, or stopped sending, within the configured time.
 */
public final class SyncTimeoutException extends SyncTransportException {

    /**
     * Creates the exception.
     *
     * @param message what timed out, with the endpoint and the time limit
     * @param cause   the timer's error, or {@code null}
     */
    public SyncTimeoutException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
