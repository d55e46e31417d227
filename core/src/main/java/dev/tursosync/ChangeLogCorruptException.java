package dev.tursosync;

import org.jspecify.annotations.Nullable;

/**
 * A row of the local change log cannot be read (edited or damaged outside the client). Nothing was pushed from it
 * and nothing was deleted: the log stays as it is for inspection.
 */
public final class ChangeLogCorruptException extends TursoSyncException {

    /**
     * Creates the exception.
     *
     * @param message what is wrong
     * @param cause   the parse failure, or {@code null}
     */
    public ChangeLogCorruptException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
