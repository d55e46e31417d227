package dev.tursosync.testing;

/**
 * What a {@link CloudGateway} reports on {@link CloudGateway#events()}, for tests that wait on the gateway instead of
 * on time.
 */
public enum GatewayEvent {

    /** A request was refused with 401 (no token, a bad signature, an expired or invalidated token). */
    UNAUTHORIZED,

    /** A request was refused with 403 (a read-only token on {@code /v2/pipeline}). */
    FORBIDDEN,

    /** A {@code /v2/pipeline} request succeeded (the remote may have changed). */
    PIPELINE_DONE,

    /** A long-poll pull found nothing new and is now held. */
    LONG_POLL_HELD,

    /** A held long-poll pull was answered because the remote changed. */
    LONG_POLL_WOKEN,

    /** A held long-poll pull was answered without changes because its timeout passed. */
    LONG_POLL_TIMED_OUT,

    /** A held long-poll pull ended because the client went away (cancelled, or closed the connection). */
    LONG_POLL_CANCELLED
}
