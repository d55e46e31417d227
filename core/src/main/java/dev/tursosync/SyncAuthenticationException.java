package dev.tursosync;

/**
 * The server refused the request's credentials ({@code 401 Unauthorized} or {@code 403 Forbidden}).
 */
public final class SyncAuthenticationException extends TursoSyncException {

    /** The HTTP status, 401 or 403. */
    private final int status;

    /**
     * Creates the exception.
     *
     * @param status      the HTTP status, 401 or 403
     * @param bodyExcerpt the start of the response body, free of secrets
     */
    public SyncAuthenticationException(int status, String bodyExcerpt) {
        super("the server rejected the credentials: HTTP " + status + (bodyExcerpt.isEmpty() ? "" : ": " + bodyExcerpt));
        this.status = status;
    }

    /**
     * The HTTP status the server answered with.
     *
     * @return 401 or 403
     */
    public int status() {
        return status;
    }
}
