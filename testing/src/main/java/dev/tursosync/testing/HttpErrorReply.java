package dev.tursosync.testing;

import java.nio.charset.StandardCharsets;

/** The minimal HTTP/1.1 error reply that {@link FaultProxy} sends in place of the server's. */
final class HttpErrorReply {

    private HttpErrorReply() {
    }

    /**
     * The bytes of a reply with a short text body, its {@code Content-Length} and {@code Connection: close}.
     *
     * @param status 500, 502 or 503
     * @return the reply
     */
    static byte[] of(int status) {
        String reason = switch (status) {
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            default -> throw new IllegalArgumentException("no reply for status " + status);
        };
        String body = "fault proxy: " + status + " " + reason + "\n";
        String reply = "HTTP/1.1 " + status + " " + reason + "\r\n"
                + "Content-Type: text/plain\r\n"
                + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n"
                + "Connection: close\r\n"
                + "\r\n"
                + body;
        return reply.getBytes(StandardCharsets.UTF_8);
    }
}
