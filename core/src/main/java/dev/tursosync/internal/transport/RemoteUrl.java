package dev.tursosync.internal.transport;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * The base URL of a sync server, normalised: {@code libsql://} and {@code turso://} become {@code https://},
 * trailing slashes are removed, and endpoint paths are appended to the base path.
 */
public final class RemoteUrl {

    private final URI base;

    private RemoteUrl(URI base) {
        this.base = base;
    }

    /**
     * Parses and normalises a base URL.
     *
     * @param url {@code http://}, {@code https://}, {@code libsql://} or {@code turso://}, with an optional base path
     * @return the normalised URL
     * @throws IllegalArgumentException if the URL is malformed, has another scheme, has no host, or carries user
     *                                  info, a query or a fragment (credentials go in the auth token, never the URL)
     */
    public static RemoteUrl parse(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("the sync URL is empty");
        }
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("the sync URL is malformed at index " + e.getIndex());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String normalizedScheme = switch (scheme) {
            case "http" -> "http";
            case "https", "libsql", "turso" -> "https";
            default -> throw new IllegalArgumentException(
                    "the sync URL must start with http://, https://, libsql:// or turso://");
        };
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("the sync URL has no host");
        }
        if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException(
                    "the sync URL must not carry user info, a query or a fragment; pass the auth token separately");
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        try {
            return new RemoteUrl(new URI(normalizedScheme + "://" + uri.getRawAuthority() + path));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("the sync URL is malformed at index " + e.getIndex());
        }
    }

    /**
     * The URL of an endpoint below the base path.
     *
     * @param endpoint an absolute path such as {@code /pull-updates}
     * @return the full URL
     */
    public String resolve(String endpoint) {
        return base + endpoint;
    }

    /**
     * Whether the connection uses TLS.
     *
     * @return {@code true} for https
     */
    public boolean isSecure() {
        return "https".equals(base.getScheme());
    }

    /**
     * The host and port, for messages.
     *
     * @return for example {@code 127.0.0.1:8080}
     */
    public String authority() {
        return base.getRawAuthority();
    }

    @Override
    public String toString() {
        return base.toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RemoteUrl url && base.equals(url.base);
    }

    @Override
    public int hashCode() {
        return base.hashCode();
    }
}
