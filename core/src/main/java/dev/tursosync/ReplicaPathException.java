package dev.tursosync;

import org.jspecify.annotations.Nullable;

/**
 * The replica's database path cannot be used: its folder is missing or is not a folder. The client does not create
 * folders; create the folder (or fix the path) and open again.
 */
public final class ReplicaPathException extends TursoSyncException {

    /**
     * Creates the exception.
     *
     * @param message what is wrong, naming the path
     * @param cause   the underlying error, or {@code null}
     */
    public ReplicaPathException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
