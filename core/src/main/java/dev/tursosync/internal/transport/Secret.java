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

    /**
     * Replaces every occurrence of the credential in a text.
     *
     * @param text a text that may echo the credential, such as a server's error body
     * @return the text with the credential masked
     */
    public String redactFrom(String text) {
        return text.replace(value, "***");
    }

    @Override
    public String toString() {
        return "***";
    }
}
