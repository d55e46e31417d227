package dev.tursosync.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Finds where HTTP/1.1 requests begin and end in the bytes a client sends on one connection: the header block ends
 * at the first empty line, the body is {@code Content-Length} bytes (none without that header). A request whose
 * length cannot be told this way (chunked, or a header block beyond 64 KiB) makes the rest of the connection one
 * unframed request.
 */
final class RequestFraming {

    private static final int MAX_HEADER_BYTES = 64 * 1024;

    private final ByteArrayOutputStream head = new ByteArrayOutputStream();
    private int lastFour;
    private long bodyRemaining = -1;
    private boolean started;
    private boolean complete;
    private boolean unframed;

    /**
     * Tells whether the next byte taken starts a new request.
     *
     * @return {@code true} before the first byte of a request
     */
    boolean atStart() {
        return !started && !unframed;
    }

    /**
     * Takes the bytes of the current request from {@code bytes[from..to)}.
     *
     * @param bytes the received bytes
     * @param from  the first byte not taken yet
     * @param to    the end of the received bytes
     * @return how many bytes, from {@code from}, belong to the current request (all of them when it is unframed)
     */
    int take(byte[] bytes, int from, int to) {
        started = true;
        if (unframed) {
            return to - from;
        }
        int position = from;
        while (position < to && bodyRemaining < 0) {
            byte b = bytes[position++];
            head.write(b);
            lastFour = (lastFour << 8) | (b & 0xff);
            if (lastFour == 0x0d0a0d0a) {
                bodyRemaining = bodyLength();
                if (bodyRemaining < 0) {
                    unframed = true;
                    return to - from;
                }
            } else if (head.size() > MAX_HEADER_BYTES) {
                unframed = true;
                return to - from;
            }
        }
        if (bodyRemaining >= 0) {
            long body = Math.min(bodyRemaining, to - position);
            position += (int) body;
            bodyRemaining -= body;
            complete = bodyRemaining == 0;
        }
        return position - from;
    }

    /**
     * Tells whether the last {@link #take} ended the current request.
     *
     * @return {@code true} once its last body byte was taken
     */
    boolean complete() {
        return complete;
    }

    /**
     * Tells whether the current request's length could not be told: it and the rest of the connection are one.
     *
     * @return {@code true} once unframed
     */
    boolean unframed() {
        return unframed;
    }

    /** Starts the next request, after the current one is {@link #complete()}. */
    void next() {
        head.reset();
        lastFour = 0;
        bodyRemaining = -1;
        started = false;
        complete = false;
    }

    /** The body length the header block announces: 0 without a length, -1 if it cannot be told. */
    private long bodyLength() {
        long length = 0;
        for (String line : head.toString(StandardCharsets.ISO_8859_1).split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            if (name.equals("transfer-encoding")) {
                return -1;
            }
            if (name.equals("content-length")) {
                try {
                    length = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return length;
    }
}
