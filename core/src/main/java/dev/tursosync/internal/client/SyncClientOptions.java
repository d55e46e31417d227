package dev.tursosync.internal.client;

import dev.tursosync.internal.transport.AuthTokenSource;
import dev.tursosync.internal.transport.ReactorNettySyncTransport;
import dev.tursosync.internal.transport.RemoteUrl;
import dev.tursosync.internal.transport.Secret;
import dev.tursosync.internal.transport.SyncTransportFactory;
import dev.tursosync.internal.transport.TransportOptions;
import dev.tursosync.Mutation;
import dev.tursosync.MutationResult;
import dev.tursosync.RetryOptions;
import java.nio.file.Path;
import java.util.function.Function;
import java.time.Duration;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import reactor.netty.http.client.HttpClient;
import reactor.core.publisher.Mono;

/**
 * The validated configuration of a sync client, as given to its builder.
 *
 * @param path             the database file, absolute
 * @param url              the remote URL as given
 * @param authToken        the token source, or {@code null}
 * @param authTokenRefreshable whether the source can yield a fresh token after a 401
 * @param encryptionKey    the remote encryption key, or {@code null}
 * @param clientName       the client id prefix
 * @param longPollTimeout  the long-poll duration of pulls
 * @param bootstrapIfEmpty whether open() bootstraps a missing database
 * @param resetShare       the share of changed pages above which a table is reset
 * @param connectTimeout   the connect timeout
 * @param responseTimeout  the response timeout
 * @param maxConnections   the connection limit
 * @param transform        the push transform hook
 * @param pushBatchSize    how many changes a push batch aims for
 * @param autoCheckpointWalBytes the WAL size that triggers a checkpoint, 0 for never
 * @param pullMemoryBytes  how many bytes of pulled pages a pull keeps in memory before it stages them in a file
 * @param retry            how transient failures are retried
 * @param encryptionCipher the cipher of the remote encryption, or {@code null}
 * @param trustCertificates a PEM file of the certificates trusted for TLS, or {@code null} for the JDK's
 * @param httpClient       the customizer of the HTTP client
 * @param transports       creates the transport when the client opens (the Reactor Netty one unless a test gives
 *                         another)
 */
public record SyncClientOptions(Path path, String url, Supplier<Mono<String>> authToken,
                                boolean authTokenRefreshable, String encryptionKey,
                                String clientName, Duration longPollTimeout, boolean bootstrapIfEmpty,
                                double resetShare, Duration connectTimeout, Duration responseTimeout,
                                int maxConnections, Function<Mutation, MutationResult> transform,
                                int pushBatchSize, long autoCheckpointWalBytes, long pullMemoryBytes,
                                RetryOptions retry, String encryptionCipher, Path trustCertificates,
                                UnaryOperator<HttpClient> httpClient, SyncTransportFactory transports) {

    /** The transport of every client built by {@code SyncClient.builder()}: Reactor Netty. */
    public static final SyncTransportFactory REACTOR_NETTY = ReactorNettySyncTransport::create;

    /**
     * The same configuration with another transport, for engine tests without a server.
     *
     * @param factory creates the transport when the client opens
     * @return the configuration
     */
    public SyncClientOptions withTransports(SyncTransportFactory factory) {
        return new SyncClientOptions(path, url, authToken, authTokenRefreshable, encryptionKey, clientName,
                longPollTimeout, bootstrapIfEmpty, resetShare, connectTimeout, responseTimeout, maxConnections,
                transform, pushBatchSize, autoCheckpointWalBytes, pullMemoryBytes, retry, encryptionCipher,
                trustCertificates, httpClient, factory);
    }

    /**
     * The transport settings these options imply.
     *
     * @return the transport options
     * @throws IllegalArgumentException if the URL, a timeout or the key is invalid
     */
    public TransportOptions transportOptions() {
        return new TransportOptions(RemoteUrl.parse(url),
                authToken == null ? AuthTokenSource.none() : authTokenRefreshable ? AuthTokenSource.from(authToken)
                        : AuthTokenSource.fixed(authToken),
                encryptionKey == null ? null : Secret.of(encryptionKey),
                connectTimeout, responseTimeout, TransportOptions.DEFAULT_MAX_RESPONSE_BYTES, encryptionCipher,
                trustCertificates, httpClient);
    }
}
