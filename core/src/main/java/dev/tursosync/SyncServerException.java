package dev.tursosync;

/**
 * The server answered with an HTTP status other than {@code 200}, for a reason other than credentials.
 */
public final class SyncServerException extends TursoSyncException {

    /** The HTTP status. */
    private final int status;
    /** The start of the response body, free of secrets. */
    private final String bodyExcerpt;

    /**
     * Creates the exception.
     *
     * @param operation   the endpoint that was called, for example {@code POST /pull-updates}
     * @param status      the HTTP status
     * @param bodyExcerpt the start of the response body, free of secrets
     */
    public SyncServerException(String operation, int status, String bodyExcerpt) {
        super(operation + " failed: HTTP " + status + (bodyExcerpt.isEmpty() ? "" : ": " + bodyExcerpt));
        this.status = status;
        this.bodyExcerpt = bodyExcerpt;
    }

    /**
     * The HTTP status the server answered with.
     *
     * @return the status code
     */
    public int status() {
        return status;
    }

    /**
     * The start of the response body (at most a few hundred characters).
     *
     * @return the excerpt, possibly empty
     */
    public String bodyExcerpt() {
        return bodyExcerpt;
    }

    /**
     * Overload and gateway errors ({@code 408}, {@code 429}, {@code 502}, {@code 503}, {@code 504}) are transient.
     */
    @Override
    public boolean isTransient() {
        return status == 408 || status == 429 || status == 502 || status == 503 || status == 504;
    }
}
