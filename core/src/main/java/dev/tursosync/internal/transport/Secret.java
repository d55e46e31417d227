package dev.tursosync.internal.transport;

import java.util.Objects;

/**
 * A credential (auth token or encryption key) that never shows in {@code toString()}, logs or messages.
 */
public final class Secret {

    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    /**
     * Wraps a credential.
     *
     * @param value the credential
     * @return the wrapper
     * @throws IllegalArgumentException if the value is blank or contains a line break (it goes into an HTTP header)
     */
    public static Secret of(String value) {
        Objects.requireNonNull(value, "secret");
        if (value.isBlank()) {
            throw new IllegalArgumentException("a credential must not be blank");
        }
        if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("a credential must not contain line breaks");
        }
        return new Secret(value);
    }

    /**
     * The credential itself, for an HTTP header only.
     *
     * @return the value
     */
    public String reveal() {
        return value;
    }

    /** Pieces of the credential at least this long are masked too (a server may echo part of it). */
    static final int MIN_MASKED_PIECE = 8;

    /**
     * Replaces every occurrence of the credential, and of any piece of it at least {@value #MIN_MASKED_PIECE}
     * characters long, in a text.
     *
     * @param text a text that may echo the credential, such as a server's error body
     * @return the text with the credential masked
     */
    public String redactFrom(String text) {
        if (text == null) {
            return null;
        }
        String redacted = text.replace(value, "***");
        int piece = Math.min(MIN_MASKED_PIECE, value.length());
        if (redacted.length() < piece) {
            return redacted;
        }
        java.util.Set<String> pieces = new java.util.HashSet<>();
        for (int i = 0; i + piece <= value.length(); i++) {
            pieces.add(value.substring(i, i + piece));
        }
        boolean[] masked = new boolean[redacted.length()];
        boolean any = false;
        for (int i = 0; i + piece <= redacted.length(); i++) {
            if (pieces.contains(redacted.substring(i, i + piece))) {
                java.util.Arrays.fill(masked, i, i + piece, true);
                any = true;
            }
        }
        if (!any) {
            return redacted;
        }
        StringBuilder out = new StringBuilder(redacted.length());
        for (int i = 0; i < redacted.length(); i++) {
            if (!masked[i]) {
                out.append(redacted.charAt(i));
            } else if (i == 0 || !masked[i - 1]) {
                out.append("***");
            }
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return "***";
    }
}
