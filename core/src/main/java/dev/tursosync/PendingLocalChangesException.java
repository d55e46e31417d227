package dev.tursosync;

/**
 * A pull was refused because the local database holds writes that were never pushed, and applying remote pages
 * would overwrite them. Nothing was changed.
 */
public final class PendingLocalChangesException extends TursoSyncException {

    /**
     * Creates the exception.
     *
     * @param message what is pending
     */
    public PendingLocalChangesException(String message) {
        super(message);
    }
}
