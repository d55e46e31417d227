package dev.tursosync;

/**
 * The client was used before {@code open()} completed or after {@code close()}.
 */
public final class SyncClosedException extends TursoSyncException {

    /**
     * Creates the exception.
     *
     * @param message what was attempted
     */
    public SyncClosedException(String message) {
        super(message);
    }
}
