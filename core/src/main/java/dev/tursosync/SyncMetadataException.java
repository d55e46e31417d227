package dev.tursosync;

import org.jspecify.annotations.Nullable;

/**
 * The client's metadata file ({@code <db>-info}) is missing next to an existing database, unreadable, or
 * inconsistent with the database. The client refuses to guess: re-bootstrapping over the file could lose local data.
 */
public final class SyncMetadataException extends TursoSyncException {

    /**
     * Creates the exception.
     *
     * @param message what is wrong and with which file
     * @param cause   the underlying error, or {@code null}
     */
    public SyncMetadataException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
