package dev.tursosync.testing;

/**
 * Thrown when the {@code tursodb} binary cannot be installed or the sync server cannot be started.
 */
public final class TursodbUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception with a message that says what went wrong.
     *
     * @param message the reason, meant for a person reading a test report
     */
    public TursodbUnavailableException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a message and the failure that caused it.
     *
     * @param message the reason, meant for a person reading a test report
     * @param cause the underlying failure
     */
    public TursodbUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
