package dev.tursosync.internal.transport;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.function.UnaryOperator;
import reactor.netty.http.client.HttpClient;

/**
 * Settings of a {@link SyncTransport}.
 *
 * @param url              the server's base URL
 * @param authToken        where the bearer token comes from
 * @param encryptionKey    the remote encryption key sent as {@code x-turso-encryption-key}, or {@code null}
 * @param connectTimeout   the time allowed to open a connection
 * @param responseTimeout  the time allowed for the server to start answering, and between two reads of a reply;
 *                         a long-poll request adds its own duration to it
 * @param maxResponseBytes the largest {@code /v2/pipeline} reply accepted (page streams are never buffered whole)
 * @param encryptionCipher the cipher sent as {@code x-turso-encryption-cipher} with the key, or {@code null}
 * @param trustCertificates a PEM file of the certificates trusted for TLS instead of the JDK's, or {@code null}
 * @param httpClient       applied last to the HTTP client the transport builds
 */
public record TransportOptions(RemoteUrl url, AuthTokenSource authToken, Secret encryptionKey,
                               Duration connectTimeout, Duration responseTimeout, int maxResponseBytes,
                               String encryptionCipher, Path trustCertificates,
                               UnaryOperator<HttpClient> httpClient) {

    /** Default connect timeout. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Default response timeout. */
    public static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(30);
    /** Default limit of a pipeline reply. */
    public static final int DEFAULT_MAX_RESPONSE_BYTES = 256 * 1024 * 1024;

    /**
     * Validates.
     *
     * @param url              the server's base URL
     * @param authToken        where the bearer token comes from
     * @param encryptionKey    the remote encryption key sent as {@code x-turso-encryption-key}, or {@code null}
     * @param connectTimeout   the time allowed to open a connection
     * @param responseTimeout  the time allowed for the server to start answering, and between two reads of a reply;
     *                         a long-poll request adds its own duration to it
     * @param maxResponseBytes the largest {@code /v2/pipeline} reply accepted (page streams are never buffered whole)
     * @param encryptionCipher the cipher sent as {@code x-turso-encryption-cipher} with the key, or {@code null}
     * @param trustCertificates a PEM file of the certificates trusted for TLS instead of the JDK's, or {@code null}
     * @param httpClient       applied last to the HTTP client the transport builds
     */
    public TransportOptions {
        Objects.requireNonNull(httpClient, "httpClient");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(authToken, "authToken");
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(responseTimeout, "responseTimeout");
        if (maxResponseBytes <= 0) {
            throw new IllegalArgumentException("maxResponseBytes must be positive");
        }
    }

    /**
     * Options with defaults for everything but the URL.
     *
     * @param url the server's base URL
     * @return the options
     */
    public static TransportOptions of(String url) {
        return new TransportOptions(RemoteUrl.parse(url), AuthTokenSource.none(), null, DEFAULT_CONNECT_TIMEOUT,
                DEFAULT_RESPONSE_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, null, null, UnaryOperator.identity());
    }

    /**
     * A copy with another token source.
     *
     * @param source the token source
     * @return the copy
     */
    public TransportOptions withAuthToken(AuthTokenSource source) {
        return new TransportOptions(url, source, encryptionKey, connectTimeout, responseTimeout, maxResponseBytes,
                encryptionCipher, trustCertificates, httpClient);
    }

    /**
     * A copy with an encryption key.
     *
     * @param key the key, or {@code null}
     * @return the copy
     */
    public TransportOptions withEncryptionKey(Secret key) {
        return new TransportOptions(url, authToken, key, connectTimeout, responseTimeout, maxResponseBytes,
                encryptionCipher, trustCertificates, httpClient);
    }

    /**
     * A copy with other timeouts.
     *
     * @param connect  the connect timeout
     * @param response the response timeout
     * @return the copy
     */
    public TransportOptions withTimeouts(Duration connect, Duration response) {
        return new TransportOptions(url, authToken, encryptionKey, connect, response, maxResponseBytes,
                encryptionCipher, trustCertificates, httpClient);
    }

    /**
     * A copy with other TLS trust and HTTP client settings.
     *
     * @param trust      a PEM file of the trusted certificates, or {@code null} for the JDK's
     * @param customizer applied last to the HTTP client
     * @return the copy
     */
    public TransportOptions withHttp(Path trust, UnaryOperator<HttpClient> customizer) {
        return new TransportOptions(url, authToken, encryptionKey, connectTimeout, responseTimeout, maxResponseBytes,
                encryptionCipher, trust, customizer);
    }

    private static void requirePositive(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }
}
