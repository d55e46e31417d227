package dev.tursosync.testing;

/**
 * A fault that {@link FaultProxy} injects. {@link #REFUSE} is decided when a connection is accepted; every other
 * kind is decided for each HTTP request on a connection.
 */
public enum FaultKind {
    /** The connection is accepted and closed at once, half of the time with a reset, before anything is read. */
    REFUSE,
    /** The request is forwarded up to a random byte of it, then both connections are reset. */
    RESET_REQUEST,
    /** The response is forwarded up to a random byte of it, then both connections are reset. */
    RESET_RESPONSE,
    /** The request is held back for a random delay shorter than a client's timeout, then forwarded. */
    DELAY,
    /** The request is forwarded up to a random byte of it, then nothing moves until the stall ends in a reset. */
    STALL_REQUEST,
    /** The response is forwarded up to a random byte of it, then nothing moves until the stall ends in a reset. */
    STALL_RESPONSE,
    /** The response is forwarded up to a random byte of it, then the connection is closed cleanly. */
    CUT_RESPONSE,
    /** The proxy reads the request and answers {@code 500 Internal Server Error} itself, then closes. */
    HTTP_500,
    /** The proxy reads the request and answers {@code 502 Bad Gateway} itself, then closes. */
    HTTP_502,
    /** The proxy reads the request and answers {@code 503 Service Unavailable} itself, then closes. */
    HTTP_503;

    /**
     * Tells whether the proxy reads the whole request before acting on this fault.
     *
     * @return {@code true} for the resets and stalls inside a request and the proxy's own error replies
     */
    boolean holdsRequest() {
        return this == RESET_REQUEST || this == STALL_REQUEST || httpStatus() > 0;
    }

    /**
     * Tells whether this fault strikes at a byte of the response.
     *
     * @return {@code true} for the resets, stalls and cuts inside a response
     */
    boolean strikesResponse() {
        return this == RESET_RESPONSE || this == STALL_RESPONSE || this == CUT_RESPONSE;
    }

    /**
     * The status of the proxy's own reply.
     *
     * @return 500, 502 or 503, or 0 for the kinds that do not answer
     */
    int httpStatus() {
        return switch (this) {
            case HTTP_500 -> 500;
            case HTTP_502 -> 502;
            case HTTP_503 -> 503;
            default -> 0;
        };
    }
}
