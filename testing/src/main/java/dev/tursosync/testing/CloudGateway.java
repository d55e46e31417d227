package dev.tursosync.testing;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.core.publisher.Sinks;
import reactor.netty.DisposableServer;
import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * A gateway on loopback that makes a local {@code tursodb --sync-server} look like Turso Cloud to a client: TLS,
 * bearer-token auth, long poll, many requests at once over keep-alive connections, and optionally opaque revisions.
 * Use it in your own tests to run your application's sync against something closer to Cloud than the bare server.
 *
 * <ul>
 *   <li><b>TLS</b> (on by default) with a self-signed certificate generated at start for {@code 127.0.0.1} and
 *       {@code localhost}, whose PEM file {@link #certificate()} gives to the client to trust; or a certificate and
 *       key you supply.</li>
 *   <li><b>Auth</b> (on by default): every request needs {@code Authorization: Bearer <token>} with a token from
 *       {@link #token(Access, Duration)}: a JWT signed with Ed25519 carrying Turso's claims ({@code a}: {@code rw} or
 *       {@code ro}, {@code iat}, {@code exp}, {@code id}). A missing, forged, expired or
 *       {@linkplain #invalidateTokens() invalidated} token gets {@code 401} with a body shaped like Cloud's,
 *       {@code {"error":"Unauthorized: token expired"}}; a read-only token gets {@code 403} on {@code /v2/pipeline}
 *       (pulls are allowed).</li>
 *   <li><b>Long poll</b>: a {@code /pull-updates} request with a client revision, no server revision and
 *       {@code long_poll_timeout_ms} above zero is held while the server has nothing newer, until a
 *       {@code /v2/pipeline} request through the gateway succeeds or the server's revision moves (the gateway asks
 *       it again every {@linkplain Builder#watchInterval(Duration) watch interval}, for writes that bypass it), or the
 *       timeout passes; then it is answered, with no pages on a timeout.</li>
 *   <li><b>Concurrency</b>: requests are accepted in parallel over keep-alive connections and queued to the server,
 *       which serves one at a time; a held long poll does not occupy the server.</li>
 *   <li><b>Opaque revisions</b>: with a {@link RevisionStyle} other than {@link RevisionStyle#AS_IS}, the revisions
 *       of replies are rewritten into that shape and mapped back in requests; a revision the gateway never issued
 *       gets {@code 400}.</li>
 * </ul>
 *
 * <p>Composes with {@link FaultProxy}: put the proxy between the gateway and the server
 * ({@code CloudGateway.builder(proxy.port())}); a request the server does not answer gets {@code 502}. Or put the
 * proxy in front of a gateway without TLS.
 *
 * <p>Replies are buffered whole in the gateway, so it suits test databases, not huge ones.
 *
 * <pre>{@code
 * try (LocalSyncServer server = LocalSyncServer.start();
 *      CloudGateway gateway = CloudGateway.builder(server.port()).start()) {
 *     SyncClient client = SyncClient.builder()
 *             .path(db)
 *             .url(gateway.libsqlUrl())                       // libsql://127.0.0.1:<port>
 *             .trustCertificates(gateway.certificate())
 *             .authToken(gateway.token(CloudGateway.Access.READ_WRITE, Duration.ofHours(1)))
 *             .longPollTimeout(Duration.ofSeconds(30))
 *             .build();
 * }
 * }</pre>
 */
public final class CloudGateway implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CloudGateway.class);
    private static final String LOOPBACK = "127.0.0.1";
    private static final String PIPELINE = "/v2/pipeline";
    private static final String PULL_UPDATES = "/pull-updates";
    private static final String PROTOBUF = "application/protobuf";
    private static final byte[] EMPTY = new byte[0];
    private static final Duration BIND_TIMEOUT = Duration.ofSeconds(10);
    private static final int REQUEST_CLIENT_REVISION = 3;
    private static final int REQUEST_SERVER_REVISION = 2;
    private static final int REQUEST_LONG_POLL_MS = 4;
    private static final int REPLY_SERVER_REVISION = 1;

    /** The access a token grants: Turso's {@code a} claim. */
    public enum Access {

        /** {@code rw}: pulls and {@code /v2/pipeline}. */
        READ_WRITE("rw"),

        /** {@code ro}: pulls only; {@code /v2/pipeline} gets 403. */
        READ_ONLY("ro");

        private final String claim;

        Access(String claim) {
            this.claim = claim;
        }

        /**
         * The claim's value.
         *
         * @return {@code rw} or {@code ro}
         */
        public String claim() {
            return claim;
        }
    }

    /**
     * What the gateway counted since it started.
     *
     * @param requests            requests received
     * @param connections         client connections accepted
     * @param maxConcurrent       the most requests in progress at once
     * @param unauthorized        requests refused with 401
     * @param forbidden           requests refused with 403
     * @param longPollsHeld       long polls held because nothing was new
     * @param longPollsWoken      held long polls answered because the remote changed
     * @param longPollsTimedOut   held long polls answered at their timeout
     * @param longPollsCancelled  held long polls the client gave up
     * @param encryptionKeyHeaders requests that carried {@code x-turso-encryption-key}
     */
    public record Counts(long requests, long connections, int maxConcurrent, long unauthorized, long forbidden,
                         long longPollsHeld, long longPollsWoken, long longPollsTimedOut, long longPollsCancelled,
                         long encryptionKeyHeaders) {
    }

    private record Reply(int status, String contentType, byte[] body) {

        static Reply error(int status, String message) {
            String json = "{\"error\":\"" + message.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
            return new Reply(status, "application/json", json.getBytes(StandardCharsets.UTF_8));
        }
    }

    private final boolean requireAuth;
    private final Duration watchInterval;
    private final GatewayTokens tokens;
    private final RevisionMap revisions;
    private final Path certificateFile;
    private final boolean ownsCertificateFile;
    private final LoopResources loops;
    private final ConnectionProvider backendConnections;
    private final HttpClient backend;
    private final DisposableServer server;
    private final Sinks.Many<GatewayEvent> events = Sinks.many().multicast().directBestEffort();
    private final Sinks.Many<Long> changes = Sinks.many().replay().latest();
    private final AtomicLong changeCount = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong connections = new AtomicLong();
    private final AtomicInteger inProgress = new AtomicInteger();
    private final AtomicInteger maxConcurrent = new AtomicInteger();
    private final AtomicLong unauthorized = new AtomicLong();
    private final AtomicLong forbidden = new AtomicLong();
    private final AtomicLong held = new AtomicLong();
    private final AtomicLong woken = new AtomicLong();
    private final AtomicLong timedOut = new AtomicLong();
    private final AtomicLong cancelled = new AtomicLong();
    private final AtomicLong encryptionKeyHeaders = new AtomicLong();
    private volatile String lastEncryptionCipher;

    private CloudGateway(Builder builder) {
        this.requireAuth = builder.requireAuth;
        this.watchInterval = builder.watchInterval;
        this.tokens = new GatewayTokens(builder.clock);
        this.revisions = new RevisionMap(builder.revisions);
        this.changes.tryEmitNext(0L);
        this.loops = LoopResources.create("cloud-gateway", 1, 2, true);
        this.backendConnections = ConnectionProvider.builder("cloud-gateway-backend")
                .maxConnections(1) // the server serves one request at a time: queue here rather than in its backlog
                .pendingAcquireMaxCount(-1)
                .pendingAcquireTimeout(Duration.ofMinutes(2))
                .build();
        this.backend = HttpClient.create(backendConnections).runOn(loops)
                .baseUrl("http://" + LOOPBACK + ":" + builder.backendPort)
                .disableRetry(true);
        Http11SslContextSpec tls = null;
        Path certificate = null;
        boolean ownsCertificate = false;
        if (builder.tls) {
            if (builder.certificateChain != null) {
                certificate = builder.certificateChain;
                tls = Http11SslContextSpec.forServer(builder.certificateChain.toFile(), builder.privateKey.toFile());
            } else {
                X509Bundle bundle = selfSigned();
                certificate = writeTemporary(bundle.getCertificatePEM());
                ownsCertificate = true;
                tls = Http11SslContextSpec.forServer(bundle.getKeyPair().getPrivate(), bundle.getCertificatePath());
            }
        }
        this.certificateFile = certificate;
        this.ownsCertificateFile = ownsCertificate;
        HttpServer http = HttpServer.create().runOn(loops).host(LOOPBACK).port(0)
                .doOnChannelInit((observer, channel, address) -> connections.incrementAndGet())
                .handle(this::serve);
        if (tls != null) {
            Http11SslContextSpec spec = tls;
            http = http.secure(ssl -> ssl.sslContext(spec));
        }
        try {
            this.server = http.bindNow(BIND_TIMEOUT);
        } catch (RuntimeException e) {
            close(false);
            throw e;
        }
    }

    /**
     * A builder of a gateway in front of a server on a loopback port.
     *
     * @param backendPort the port of the {@code tursodb --sync-server} (or of a {@link FaultProxy} before it) on
     *                    {@code 127.0.0.1}
     * @return the builder
     */
    public static Builder builder(int backendPort) {
        return new Builder(backendPort);
    }

    /**
     * The gateway's URL, to give to clients: {@code https://127.0.0.1:<port>}, or {@code http://} without TLS.
     *
     * @return the URL
     */
    public String url() {
        return (certificateFile != null ? "https://" : "http://") + LOOPBACK + ":" + port();
    }

    /**
     * The gateway's URL in the form Turso shows database URLs: {@code libsql://127.0.0.1:<port>} (clients map it to
     * {@code https://}).
     *
     * @return the URL
     * @throws IllegalStateException if the gateway runs without TLS
     */
    public String libsqlUrl() {
        if (certificateFile == null) {
            throw new IllegalStateException("libsql:// URLs mean TLS; this gateway runs without it");
        }
        return "libsql://" + LOOPBACK + ":" + port();
    }

    /**
     * The gateway's port on {@code 127.0.0.1}.
     *
     * @return the port
     */
    public int port() {
        return server.port();
    }

    /**
     * The PEM file of the gateway's certificate, for the client to trust.
     *
     * @return the file (a temporary file, deleted on {@link #close()}, for a generated certificate)
     * @throws IllegalStateException if the gateway runs without TLS
     */
    public Path certificate() {
        if (certificateFile == null) {
            throw new IllegalStateException("this gateway runs without TLS");
        }
        return certificateFile;
    }

    /**
     * Issues a token that never expires.
     *
     * @param access what the token allows
     * @return the JWT
     */
    public String token(Access access) {
        return tokens.issue(Objects.requireNonNull(access, "access"), null);
    }

    /**
     * Issues a token that expires after a time, measured on the gateway's {@linkplain Builder#clock(Clock) clock}.
     *
     * @param access   what the token allows
     * @param lifetime how long the token is valid, at least a second
     * @return the JWT
     */
    public String token(Access access, Duration lifetime) {
        return tokens.issue(Objects.requireNonNull(access, "access"), Objects.requireNonNull(lifetime, "lifetime"));
    }

    /**
     * Makes every token issued so far invalid (they get 401 from now on), as {@code turso db tokens invalidate}
     * does by rotating the signing key.
     */
    public void invalidateTokens() {
        tokens.invalidateAll();
    }

    /**
     * What happens in the gateway, as it happens (events before the subscription are not replayed).
     *
     * @return the events
     */
    public Flux<GatewayEvent> events() {
        return events.asFlux();
    }

    /**
     * The counts so far.
     *
     * @return a snapshot
     */
    public Counts counts() {
        return new Counts(requests.get(), connections.get(), maxConcurrent.get(), unauthorized.get(),
                forbidden.get(), held.get(), woken.get(), timedOut.get(), cancelled.get(), encryptionKeyHeaders.get());
    }

    /**
     * The last {@code x-turso-encryption-cipher} header received (the key itself is never kept).
     *
     * @return the cipher name, or empty if no request carried one
     */
    public Optional<String> lastEncryptionCipher() {
        return Optional.ofNullable(lastEncryptionCipher);
    }

    /** Stops the gateway; held requests are dropped. */
    @Override
    public void close() {
        close(true);
    }

    private void close(boolean started) {
        if (started) {
            server.disposeNow(Duration.ofSeconds(5));
        }
        backendConnections.dispose();
        loops.dispose();
        if (ownsCertificateFile) {
            try {
                Files.deleteIfExists(certificateFile);
            } catch (IOException e) {
                LOG.debug("could not delete {}", certificateFile, e);
            }
        }
    }

    private Mono<Void> serve(HttpServerRequest request, HttpServerResponse response) {
        requests.incrementAndGet();
        maxConcurrent.accumulateAndGet(inProgress.incrementAndGet(), Math::max);
        HttpHeaders headers = request.requestHeaders();
        if (headers.contains("x-turso-encryption-key")) {
            encryptionKeyHeaders.incrementAndGet();
        }
        String cipher = headers.get("x-turso-encryption-cipher");
        if (cipher != null) {
            lastEncryptionCipher = cipher;
        }
        String path = request.fullPath();
        return request.receive().aggregate().asByteArray().defaultIfEmpty(EMPTY)
                .flatMap(body -> answer(request.method(), path, headers, body))
                .onErrorResume(error -> {
                    LOG.debug("{} {}: the server did not answer", request.method(), path, error);
                    return Mono.just(Reply.error(502, "Bad Gateway: the database did not answer"));
                })
                .flatMap(reply -> response.status(reply.status())
                        .header(HttpHeaderNames.CONTENT_TYPE, reply.contentType())
                        .header(HttpHeaderNames.CONTENT_LENGTH, String.valueOf(reply.body().length))
                        .sendByteArray(Mono.just(reply.body()))
                        .then())
                .doFinally(signal -> inProgress.decrementAndGet());
    }

    private Mono<Reply> answer(HttpMethod method, String path, HttpHeaders headers, byte[] body) {
        boolean pipeline = PIPELINE.equals(path);
        if (!HttpMethod.POST.equals(method) || !(pipeline || PULL_UPDATES.equals(path))) {
            return Mono.just(Reply.error(404, "Not Found"));
        }
        Access access = Access.READ_WRITE;
        if (requireAuth) {
            GatewayTokens.Verdict verdict = tokens.check(headers.get(HttpHeaderNames.AUTHORIZATION));
            if (verdict instanceof GatewayTokens.Refused refused) {
                report(GatewayEvent.UNAUTHORIZED);
                return Mono.just(Reply.error(401, "Unauthorized: " + refused.reason()));
            }
            access = ((GatewayTokens.Valid) verdict).access();
        }
        if (pipeline) {
            if (access != Access.READ_WRITE) {
                report(GatewayEvent.FORBIDDEN);
                return Mono.just(Reply.error(403, "Forbidden: the token is read-only"));
            }
            return forward(PIPELINE, "application/json", body).doOnNext(reply -> {
                if (reply.status() == 200) {
                    remoteMayHaveChanged();
                    report(GatewayEvent.PIPELINE_DONE);
                }
            });
        }
        return pull(body);
    }

    private Mono<Reply> pull(byte[] body) {
        ProtoFields request;
        try {
            request = ProtoFields.parse(body);
        } catch (IllegalArgumentException e) {
            return Mono.just(Reply.error(400, "Bad Request: malformed pull request"));
        }
        Optional<String> clientRevision = revisions.toServer(request.string(REQUEST_CLIENT_REVISION));
        Optional<String> serverRevision = revisions.toServer(request.string(REQUEST_SERVER_REVISION));
        if (clientRevision.isEmpty() || serverRevision.isEmpty()) {
            return Mono.just(Reply.error(400, "Bad Request: unknown revision"));
        }
        byte[] forwarded = request.withString(REQUEST_CLIENT_REVISION, clientRevision.get())
                .withString(REQUEST_SERVER_REVISION, serverRevision.get())
                .encode();
        long longPollMs = request.varint(REQUEST_LONG_POLL_MS) & 0xFFFF_FFFFL;
        Mono<Reply> reply = longPollMs > 0 && !clientRevision.get().isEmpty() && serverRevision.get().isEmpty()
                ? longPoll(forwarded, clientRevision.get(), Duration.ofMillis(longPollMs))
                : forward(PULL_UPDATES, PROTOBUF, forwarded);
        return reply.map(this::revisionsForClient);
    }

    /**
     * Asks the server until it has something newer than the client's revision or the timeout passes, waiting for a
     * change (or the watch interval) between two asks.
     */
    private Mono<Reply> longPoll(byte[] request, String clientRevision, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        AtomicBoolean holding = new AtomicBoolean();
        return Mono.defer(() -> {
                    long changesSeen = changeCount.get();
                    return forward(PULL_UPDATES, PROTOBUF, request).flatMap(reply -> {
                        boolean unchanged = reply.status() == 200 && clientRevision.equals(serverRevision(reply));
                        long left = deadline - System.nanoTime();
                        if (!unchanged || left <= 0) {
                            if (holding.getAndSet(false)) {
                                report(unchanged ? GatewayEvent.LONG_POLL_TIMED_OUT : GatewayEvent.LONG_POLL_WOKEN);
                            }
                            return Mono.just(reply);
                        }
                        if (!holding.getAndSet(true)) {
                            report(GatewayEvent.LONG_POLL_HELD);
                        }
                        return nextChange(changesSeen, Duration.ofNanos(left)).then(Mono.<Reply>empty());
                    });
                })
                .repeatWhenEmpty(attempts -> attempts)
                .doFinally(signal -> {
                    if (signal == SignalType.CANCEL && holding.get()) {
                        report(GatewayEvent.LONG_POLL_CANCELLED);
                    }
                });
    }

    private Mono<?> nextChange(long changesSeen, Duration left) {
        Duration wait = left.compareTo(watchInterval) < 0 ? left : watchInterval;
        return Mono.firstWithSignal(changes.asFlux().filter(count -> count > changesSeen).next(), Mono.delay(wait));
    }

    private synchronized void remoteMayHaveChanged() {
        changes.tryEmitNext(changeCount.incrementAndGet());
    }

    /** Counts and publishes an event; synchronized because a sink takes one emission at a time. */
    private synchronized void report(GatewayEvent event) {
        switch (event) {
            case UNAUTHORIZED -> unauthorized.incrementAndGet();
            case FORBIDDEN -> forbidden.incrementAndGet();
            case LONG_POLL_HELD -> held.incrementAndGet();
            case LONG_POLL_WOKEN -> woken.incrementAndGet();
            case LONG_POLL_TIMED_OUT -> timedOut.incrementAndGet();
            case LONG_POLL_CANCELLED -> cancelled.incrementAndGet();
            case PIPELINE_DONE -> { }
        }
        events.tryEmitNext(event);
    }

    private Mono<Reply> forward(String path, String contentType, byte[] body) {
        return backend
                .headers(headers -> headers.set(HttpHeaderNames.CONTENT_TYPE, contentType)
                        .set(HttpHeaderNames.CONTENT_LENGTH, body.length))
                .post()
                .uri(path)
                .send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(body)))
                .responseSingle((response, content) -> content.asByteArray().defaultIfEmpty(EMPTY)
                        .map(bytes -> new Reply(response.status().code(),
                                response.responseHeaders().get(HttpHeaderNames.CONTENT_TYPE, "text/plain"), bytes)));
    }

    private static String serverRevision(Reply reply) {
        try {
            return ProtoFields.leading(reply.body()).message().string(REPLY_SERVER_REVISION);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    private Reply revisionsForClient(Reply reply) {
        if (reply.status() != 200) {
            return reply;
        }
        ProtoFields.Leading header = ProtoFields.leading(reply.body());
        String revision = revisions.toClient(header.message().string(REPLY_SERVER_REVISION));
        byte[] body = new ProtoFields.Leading(header.message().withString(REPLY_SERVER_REVISION, revision),
                header.rest()).replaceIn(reply.body());
        return new Reply(reply.status(), reply.contentType(), body);
    }

    private static X509Bundle selfSigned() {
        Instant now = Instant.now();
        try {
            return new CertificateBuilder()
                    .subject("CN=localhost")
                    .addSanIpAddress(LOOPBACK)
                    .addSanDnsName("localhost")
                    .setIsCertificateAuthority(true)
                    .addExtendedKeyUsageServerAuth()
                    .notBefore(now.minus(Duration.ofDays(1)))
                    .notAfter(now.plus(Duration.ofDays(30)))
                    .ecp256()
                    .buildSelfSigned();
        } catch (Exception e) {
            throw new IllegalStateException("could not generate the gateway's certificate", e);
        }
    }

    private static Path writeTemporary(String pem) {
        try {
            Path file = Files.createTempFile("cloud-gateway-", ".pem");
            Files.writeString(file, pem);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the gateway's certificate", e);
        }
    }

    /** Configuration of a {@link CloudGateway}. */
    public static final class Builder {

        private final int backendPort;
        private boolean tls = true;
        private boolean requireAuth = true;
        private Path certificateChain;
        private Path privateKey;
        private RevisionStyle revisions = RevisionStyle.AS_IS;
        private Clock clock = Clock.systemUTC();
        private Duration watchInterval = Duration.ofMillis(500);

        private Builder(int backendPort) {
            if (backendPort < 1 || backendPort > 65535) {
                throw new IllegalArgumentException("backendPort must be a TCP port");
            }
            this.backendPort = backendPort;
        }

        /**
         * Whether the gateway speaks TLS. Default {@code true}.
         *
         * @param on the flag
         * @return this builder
         */
        public Builder tls(boolean on) {
            this.tls = on;
            return this;
        }

        /**
         * Serves this certificate instead of a generated one.
         *
         * @param certificateChainPem the certificate chain, PEM
         * @param privateKeyPem       its private key, PEM (PKCS#8)
         * @return this builder
         */
        public Builder certificate(Path certificateChainPem, Path privateKeyPem) {
            this.certificateChain = Objects.requireNonNull(certificateChainPem, "certificateChainPem");
            this.privateKey = Objects.requireNonNull(privateKeyPem, "privateKeyPem");
            return this;
        }

        /**
         * Whether requests need a token. Default {@code true}.
         *
         * @param on the flag
         * @return this builder
         */
        public Builder requireAuth(boolean on) {
            this.requireAuth = on;
            return this;
        }

        /**
         * How revisions look to clients. Default {@link RevisionStyle#AS_IS}.
         *
         * @param style the style
         * @return this builder
         */
        public Builder revisions(RevisionStyle style) {
            this.revisions = Objects.requireNonNull(style, "style");
            return this;
        }

        /**
         * The clock of token expiry, so that a test can make tokens expire without waiting. Default the system's.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * How often a held long poll asks the server again, for changes that did not come through the gateway.
         * Default 500 ms.
         *
         * @param interval a positive duration
         * @return this builder
         */
        public Builder watchInterval(Duration interval) {
            if (interval == null || interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("watchInterval must be positive");
            }
            this.watchInterval = interval;
            return this;
        }

        /**
         * Starts the gateway on a free loopback port.
         *
         * @return the running gateway; {@link CloudGateway#close()} it
         */
        public CloudGateway start() {
            return new CloudGateway(this);
        }
    }
}
