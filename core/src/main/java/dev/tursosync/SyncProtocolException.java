package dev.tursosync;

import org.jspecify.annotations.Nullable;

/**
 * The server sent something the sync protocol does not allow: malformed protobuf or JSON, a page that is not
 * 4096 bytes, an unsupported encoding. (A reply cut short is a {@link SyncTransportException}: retrying can cure it.)
 */
public final class SyncProtocolException extends TursoSyncException {

    /**
     * Creates the exception.
     *
     * @param message what was wrong with the reply
     */
    public SyncProtocolException(String message) {
        super(message);
    }

    /**
     * Creates the exception.
     *
     * @param message what was wrong with the reply
     * @param cause   the parser's error
     */
    public SyncProtocolException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
