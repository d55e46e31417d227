package dev.tursosync.internal.transport;

import dev.tursosync.SyncAuthenticationException;
import dev.tursosync.SyncProtocolException;
import dev.tursosync.internal.hrana.BatchResult;
import dev.tursosync.internal.hrana.HranaError;
import dev.tursosync.internal.hrana.HranaJsonCodec;
import dev.tursosync.internal.hrana.PipelineRequest;
import dev.tursosync.internal.hrana.PipelineResponse;
import dev.tursosync.internal.hrana.PipelineResult;
import dev.tursosync.internal.proto.PullUpdatesReqProtoBody;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * {@link SyncTransport} over a Reactor Netty {@link HttpClient}.
 *
 * <p>Bodies are sent with a {@code Content-Length} (the reference server cannot read chunked bodies), connections
 * that the server closes after each reply are simply not reused, and the bearer token is obtained anew for every
 * request. Replies are handled on Netty's event loop without blocking.
 */
public final class ReactorNettySyncTransport implements SyncTransport {

    private static final Logger LOG = LoggerFactory.getLogger(ReactorNettySyncTransport.class);
    private static final String PIPELINE = "/v2/pipeline";
    private static final String PULL_UPDATES = "/pull-updates";
    private static final int MAX_ERROR_EXCERPT_CHARS = 512;
    /** How much of an error body is read to be masked before the excerpt is cut from it. */
    private static final int MAX_ERROR_READ_BYTES = 64 * 1024;

    private final TransportOptions options;
    private final ConnectionProvider connections;
    private final HttpClient http;
    private final TransportStats stats = new TransportStats();

    private ReactorNettySyncTransport(TransportOptions options) {
        this.options = options;
        this.connections = ConnectionProvider.builder("tursosync")
                .maxConnections(16)
                .maxIdleTime(Duration.ofSeconds(30))
                .build();
        HttpClient client = HttpClient.create(connections)
                .protocol(HttpProtocol.HTTP11)
                .compress(false)
                // Never resend a request on its own: a push batch whose reply was lost may have committed.
                // Operations are retried as a whole, after re-reading the remote position.
                .disableRetry(true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) options.connectTimeout().toMillis());
        this.http = options.httpClient().apply(options.url().isSecure() ? secure(client) : client);
    }

    private HttpClient secure(HttpClient client) {
        if (options.trustCertificates() == null) {
            return client.secure();
        }
        Http11SslContextSpec tls = Http11SslContextSpec.forClient()
                .configure(builder -> builder.trustManager(options.trustCertificates().toFile()));
        return client.secure(spec -> spec.sslContext(tls));
    }

    /**
     * Creates a transport with its own connection pool.
     *
     * @param options the settings
     * @return the transport; {@link #close()} it when done
     */
    public static ReactorNettySyncTransport create(TransportOptions options) {
        return new ReactorNettySyncTransport(options);
    }

    @Override
    public Mono<PipelineResponse> pipeline(List<PipelineRequest> requests) {
        List<PipelineRequest> copy = List.copyOf(requests);
        return Mono.defer(() -> exchange(PIPELINE, "application/json", HranaJsonCodec.encode(copy),
                        () -> ReplyTimeouts.uniform(options.responseTimeout()), this::readPipelineReply)
                .single());
    }

    @Override
    public Flux<PullFrame> pullUpdates(PullUpdatesReqProtoBody request) {
        Duration longPoll = Duration.ofMillis(Integer.toUnsignedLong(request.getLongPollTimeoutMs()));
        return Flux.defer(() -> exchange(PULL_UPDATES, "application/protobuf", request.toByteArray(),
                () -> ReplyTimeouts.withLongPoll(options.responseTimeout(), longPoll), this::decodePageStream));
    }

    @Override
    public TransportStats stats() {
        return stats;
    }

    @Override
    public Mono<Void> close() {
        return connections.disposeLater();
    }

    private Mono<PipelineResponse> readPipelineReply(ByteBufFlux content, Optional<Secret> token) {
        int limit = options.maxResponseBytes();
        return content.asByteArray()
                .doOnNext(chunk -> stats.addReceived(chunk.length))
                .reduceWith(ByteArrayOutputStream::new, (out, chunk) -> {
                    if (out.size() + (long) chunk.length > limit) {
                        throw new SyncProtocolException("the pipeline reply is larger than the limit of "
                                + limit + " bytes");
                    }
                    out.write(chunk, 0, chunk.length);
                    return out;
                })
                .map(out -> decodeRedacted(out.toByteArray(), token));
    }

    /**
     * Decodes a pipeline reply with every credential masked in the errors it carries (a server may echo the token or
     * the key in a step's error message, which becomes an exception message, the status and log lines).
     */
    private PipelineResponse decodeRedacted(byte[] json, Optional<Secret> token) {
        PipelineResponse response;
        try {
            response = HranaJsonCodec.decode(json);
        } catch (SyncProtocolException e) {
            throw new SyncProtocolException(redact(e.getMessage(), token));
        }
        List<PipelineResult> results = new ArrayList<>(response.results().size());
        for (PipelineResult result : response.results()) {
            if (result instanceof PipelineResult.Failed failed) {
                results.add(new PipelineResult.Failed(redact(failed.error(), token)));
            } else if (result instanceof PipelineResult.BatchOk ok) {
                List<HranaError> errors = new ArrayList<>(ok.result().stepErrors().size());
                for (HranaError error : ok.result().stepErrors()) {
                    errors.add(error == null ? null : redact(error, token));
                }
                results.add(new PipelineResult.BatchOk(new BatchResult(ok.result().stepResults(), errors)));
            } else {
                results.add(result);
            }
        }
        return new PipelineResponse(results);
    }

    private HranaError redact(HranaError error, Optional<Secret> token) {
        return new HranaError(error.message() == null ? null : redact(error.message(), token),
                error.code() == null ? null : redact(error.code(), token));
    }

    private Flux<PullFrame> decodePageStream(ByteBufFlux content, Optional<Secret> token) {
        PullStreamDecoder decoder = new PullStreamDecoder();
        // decoded where the network hands over each buffer, which it releases once this returns
        return content.map(chunk -> {
                    stats.addReceived(chunk.readableBytes());
                    return decoder.decode(chunk);
                })
                .concatMapIterable(frames -> frames)
                .concatWith(Mono.fromRunnable(decoder::finish));
    }

    private <T> Flux<T> exchange(String endpoint, String contentType, byte[] body, Supplier<ReplyTimeouts> timeouts,
                                 BiFunction<ByteBufFlux, Optional<Secret>, Publisher<T>> onSuccess) {
        Flux<T> attempt = Flux.defer(() -> attempt(endpoint, contentType, body, timeouts.get(), onSuccess));
        if (!options.authToken().refreshable()) {
            return attempt;
        }
        return attempt.onErrorResume(error -> error instanceof SyncAuthenticationException refused
                && refused.status() == 401, error -> {
                    LOG.info("POST {} -> HTTP 401; asking the token source for a fresh token and trying once more",
                            endpoint);
                    return attempt;
                });
    }

    private <T> Flux<T> attempt(String endpoint, String contentType, byte[] body, ReplyTimeouts timeouts,
                                BiFunction<ByteBufFlux, Optional<Secret>, Publisher<T>> onSuccess) {
        String operation = "POST " + endpoint;
        return options.authToken().token()
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty())
                .flatMapMany(token -> http
                        .headers(headers -> setHeaders(headers, contentType, body.length, token))
                        .responseTimeout(timeouts.first())
                        .doOnResponse((response, connection) -> timeouts.attach(connection))
                        .post()
                        .uri(options.url().resolve(endpoint))
                        .send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(body)))
                        .response((response, received) -> {
                            stats.addSent(body.length);
                            ByteBufFlux content = ByteBufFlux.fromInbound(timeouts.watch(received));
                            int status = response.status().code();
                            LOG.debug("{} -> HTTP {}", operation, status);
                            if (status == 200) {
                                return onSuccess.apply(content, token);
                            }
                            return excerpt(content, token).flatMap(excerpt ->
                                    Mono.error(TransportErrors.forStatus(operation, status, excerpt)));
                        }))
                .onErrorMap(error -> TransportErrors.forFailure(operation, options.url(), timeouts.silence(), error));
    }

    private void setHeaders(HttpHeaders headers, String contentType, int contentLength, Optional<Secret> token) {
        headers.set(HttpHeaderNames.CONTENT_TYPE, contentType);
        headers.set(HttpHeaderNames.CONTENT_LENGTH, contentLength);
        token.ifPresent(secret -> headers.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + secret.reveal()));
        if (options.encryptionKey() != null) {
            headers.set("x-turso-encryption-key", options.encryptionKey().reveal());
            if (options.encryptionCipher() != null) {
                headers.set("x-turso-encryption-cipher", options.encryptionCipher());
            }
        }
    }

    /**
     * The start of an error reply's body, as text, with every credential masked.
     */
    private Mono<String> excerpt(ByteBufFlux content, Optional<Secret> token) {
        return content.asByteArray()
                .reduceWith(ByteArrayOutputStream::new, (out, chunk) -> {
                    int room = MAX_ERROR_READ_BYTES - out.size();
                    if (room > 0) {
                        out.write(chunk, 0, Math.min(room, chunk.length));
                    }
                    return out;
                })
                .map(out -> cut(redact(new String(out.toByteArray(), StandardCharsets.UTF_8), token)))
                .onErrorReturn("");
    }

    /** Cuts a masked text to the excerpt length: masking comes first, so no piece of a secret survives the cut. */
    private static String cut(String text) {
        return text.length() <= MAX_ERROR_EXCERPT_CHARS ? text : text.substring(0, MAX_ERROR_EXCERPT_CHARS) + "...";
    }

    private String redact(String text, Optional<Secret> token) {
        String redacted = text.strip().replaceAll("\\p{Cntrl}", " ");
        if (token.isPresent()) {
            redacted = token.get().redactFrom(redacted);
        }
        if (options.encryptionKey() != null) {
            redacted = options.encryptionKey().redactFrom(redacted);
        }
        return redacted;
    }
}
