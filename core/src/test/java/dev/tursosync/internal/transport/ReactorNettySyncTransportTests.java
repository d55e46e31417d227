package dev.tursosync.internal.transport;

import static dev.tursosync.internal.transport.PullStreamDecoderTests.page;
import static dev.tursosync.internal.transport.PullStreamDecoderTests.pageData;
import static dev.tursosync.internal.transport.PullStreamDecoderTests.rawHeader;
import static dev.tursosync.internal.transport.PullStreamDecoderTests.stream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tursosync.SyncAuthenticationException;
import dev.tursosync.SyncProtocolException;
import dev.tursosync.SyncServerException;
import dev.tursosync.SyncTimeoutException;
import dev.tursosync.SyncTransportException;
import dev.tursosync.internal.hrana.HranaStatement;
import dev.tursosync.internal.hrana.PipelineRequest;
import dev.tursosync.internal.hrana.PipelineResult;
import dev.tursosync.internal.proto.PullUpdatesReqProtoBody;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * The transport against a scripted fake server: headers on the wire, and a typed, prompt, secret-free error for
 * every kind of broken reply.
 */
final class ReactorNettySyncTransportTests {

    private static final String TOKEN = "tok-SECRET-4711";
    private static final String KEY = "key-SECRET-0815";
    private static final Duration QUICK = Duration.ofSeconds(5);

    private FakeSyncServer server;
    private ReactorNettySyncTransport transport;

    @AfterEach
    void stop() throws Exception {
        if (transport != null) {
            transport.close().block(QUICK);
        }
        if (server != null) {
            server.close();
        }
    }

    /** A server and a transport whose response timeout no test's reply comes near, however loaded the machine. */
    private void start(FakeSyncServer.Script script) throws Exception {
        start(script, Duration.ofSeconds(30));
    }

    /**
     * A server and a transport with the given response timeout. Only a test that waits for that timeout to strike
     * sets it short: a short one would also strike while a loaded machine is slow to send a reply's first bytes.
     */
    private void start(FakeSyncServer.Script script, Duration responseTimeout) throws Exception {
        server = new FakeSyncServer(script);
        transport = ReactorNettySyncTransport.create(TransportOptions.of(server.url())
                .withAuthToken(AuthTokenSource.of(TOKEN))
                .withEncryptionKey(Secret.of(KEY))
                .withTimeouts(Duration.ofSeconds(2), responseTimeout));
    }

    private static List<PipelineRequest> selectOne() {
        return List.of(new PipelineRequest.Execute(HranaStatement.query("SELECT 1")));
    }

    private static PullUpdatesReqProtoBody bootstrap() {
        return PullUpdatesReqProtoBody.getDefaultInstance();
    }

    /** Asserts that neither the message nor any cause or stack frame text carries a credential. */
    private static void assertNoSecret(Throwable error) {
        StringWriter trace = new StringWriter();
        error.printStackTrace(new PrintWriter(trace));
        assertThat(trace.toString()).doesNotContain(TOKEN).doesNotContain(KEY);
    }

    private void expectPullError(Class<? extends Throwable> type, String messagePart) {
        StepVerifier.create(transport.pullUpdates(bootstrap()).then())
                .expectErrorSatisfies(error -> {
                    assertThat(error).isInstanceOf(type).hasMessageContaining(messagePart);
                    assertNoSecret(error);
                })
                .verify(QUICK);
    }

    private void expectPipelineError(Class<? extends Throwable> type, String messagePart) {
        StepVerifier.create(transport.pipeline(selectOne()))
                .expectErrorSatisfies(error -> {
                    assertThat(error).isInstanceOf(type).hasMessageContaining(messagePart);
                    assertNoSecret(error);
                })
                .verify(QUICK);
    }

    @Test
    void sendsContentLengthCredentialsAndContentTypes() throws Exception {
        byte[] ok = ("{\"baton\":null,\"results\":[{\"type\":\"ok\",\"response\":{\"type\":\"execute\",\"result\":"
                + "{\"cols\":[],\"rows\":[],\"affected_row_count\":0,\"last_insert_rowid\":null}}}]}")
                .getBytes(StandardCharsets.UTF_8);
        start((request, reply) -> {
            if (request.path().equals("/v2/pipeline")) {
                reply.send(200, "application/json", ok);
            } else {
                reply.send(200, "application/protobuf", stream(rawHeader("0", 0)));
            }
        });

        StepVerifier.create(transport.pipeline(selectOne()))
                .assertNext(response -> assertThat(response.results()).hasOnlyElementsOfType(
                        PipelineResult.ExecuteOk.class))
                .verifyComplete();
        StepVerifier.create(transport.pullUpdates(PullUpdatesReqProtoBody.newBuilder().setClientRevision("18")
                        .setLongPollTimeoutMs(1500).build()))
                .expectNextCount(1)
                .verifyComplete();

        FakeSyncServer.RecordedRequest pipeline = server.requests().get(0);
        assertThat(pipeline.method()).isEqualTo("POST");
        assertThat(pipeline.header("content-type")).isEqualTo("application/json");
        assertThat(pipeline.header("content-length")).isEqualTo(String.valueOf(pipeline.body().length));
        assertThat(pipeline.header("transfer-encoding")).isNull();
        assertThat(pipeline.header("authorization")).isEqualTo("Bearer " + TOKEN);
        assertThat(pipeline.header("x-turso-encryption-key")).isEqualTo(KEY);
        FakeSyncServer.RecordedRequest pull = server.requests().get(1);
        assertThat(pull.path()).isEqualTo("/pull-updates");
        assertThat(pull.header("content-type")).isEqualTo("application/protobuf");
        assertThat(HexFormat.of().formatHex(pull.body())).isEqualTo("1a02313820dc0b");
        assertThat(transport.stats().bytesSent()).isEqualTo(pipeline.body().length + pull.body().length);
        assertThat(transport.stats().bytesReceived()).isEqualTo(ok.length + stream(rawHeader("0", 0)).length);
    }

    @Test
    void evaluatesTheTokenSupplierForEveryRequest() throws Exception {
        start((request, reply) -> reply.send(200, "application/protobuf", stream(rawHeader("0", 0))));
        AtomicInteger calls = new AtomicInteger();
        ReactorNettySyncTransport refreshing = ReactorNettySyncTransport.create(TransportOptions.of(server.url())
                .withAuthToken(AuthTokenSource.from(() -> Mono.just("token-" + calls.incrementAndGet()))));
        try {
            refreshing.pullUpdates(bootstrap()).blockLast(QUICK);
            refreshing.pullUpdates(bootstrap()).blockLast(QUICK);
        } finally {
            refreshing.close().block(QUICK);
        }
        assertThat(server.requests()).extracting(request -> request.header("authorization"))
                .containsExactly("Bearer token-1", "Bearer token-2");
    }

    @Test
    void aRefreshingTokenSourceIsAskedAgainAfterA401AndTheRequestSentOnceMore() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        start((request, reply) -> {
            if (requests.incrementAndGet() == 1) {
                reply.send(401, "text/plain", "token expired".getBytes(StandardCharsets.UTF_8));
            } else {
                reply.send(200, "application/protobuf", stream(rawHeader("0", 0)));
            }
        });
        AtomicInteger calls = new AtomicInteger();
        ReactorNettySyncTransport refreshing = ReactorNettySyncTransport.create(TransportOptions.of(server.url())
                .withAuthToken(AuthTokenSource.from(() -> Mono.just("token-" + calls.incrementAndGet()))));
        try {
            assertThat(refreshing.pullUpdates(bootstrap()).collectList().block(QUICK)).hasSize(1);
        } finally {
            refreshing.close().block(QUICK);
        }
        assertThat(server.requests()).extracting(request -> request.header("authorization"))
                .containsExactly("Bearer token-1", "Bearer token-2");
    }

    @Test
    void aSecond401FromARefreshingTokenSourceFailsWithTheTypedError() throws Exception {
        start((request, reply) -> reply.send(401, "text/plain", new byte[0]));
        AtomicInteger calls = new AtomicInteger();
        ReactorNettySyncTransport refreshing = ReactorNettySyncTransport.create(TransportOptions.of(server.url())
                .withAuthToken(AuthTokenSource.from(() -> Mono.just("token-" + calls.incrementAndGet()))));
        try {
            assertThatThrownBy(() -> refreshing.pullUpdates(bootstrap()).blockLast(QUICK))
                    .isInstanceOf(SyncAuthenticationException.class)
                    .hasMessageNotContaining("token-");
        } finally {
            refreshing.close().block(QUICK);
        }
        assertThat(server.requests()).hasSize(2);
        assertThat(calls).hasValue(2);
    }

    @Test
    void aFixedTokenIsNotSentAgainAfterA401() throws Exception {
        start((request, reply) -> reply.send(401, "text/plain", new byte[0]));
        ReactorNettySyncTransport fixed = ReactorNettySyncTransport.create(TransportOptions.of(server.url())
                .withAuthToken(AuthTokenSource.fixed(() -> Mono.just(TOKEN))));
        try {
            assertThatThrownBy(() -> fixed.pullUpdates(bootstrap()).blockLast(QUICK))
                    .isInstanceOf(SyncAuthenticationException.class);
        } finally {
            fixed.close().block(QUICK);
        }
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void a403IsNotRetriedEvenWithARefreshingTokenSource() throws Exception {
        start((request, reply) -> reply.send(403, "text/plain", new byte[0]));
        ReactorNettySyncTransport refreshing = ReactorNettySyncTransport.create(TransportOptions.of(server.url())
                .withAuthToken(AuthTokenSource.from(() -> Mono.just("t"))));
        try {
            assertThatThrownBy(() -> refreshing.pullUpdates(bootstrap()).blockLast(QUICK))
                    .isInstanceOf(SyncAuthenticationException.class);
        } finally {
            refreshing.close().block(QUICK);
        }
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void aReplyCutInItsHeadersIsATransientTransportError() throws Exception {
        start((request, reply) -> reply.write("HTTP/1.1 200 OK\r\nContent-Ty".getBytes(StandardCharsets.US_ASCII)));
        expectPullError(SyncTransportException.class, "closed before the reply was complete");
    }

    @Test
    void truncatedPageStream() throws Exception {
        byte[] body = stream(rawHeader("3", 2), pageData(0, page(1)), pageData(1, page(2)));
        start((request, reply) -> reply.send(200, "application/protobuf", Arrays.copyOf(body, body.length - 10)));
        expectPullError(SyncTransportException.class, "ended in the middle of a message");
    }

    @Test
    void badVarint() throws Exception {
        byte[] body = new byte[16];
        Arrays.fill(body, (byte) 0xFF);
        start((request, reply) -> reply.send(200, "application/protobuf", body));
        expectPullError(SyncProtocolException.class, "malformed length prefix");
    }

    @Test
    void oversizedLengthPrefixFailsWithoutReadingTheBody() throws Exception {
        start((request, reply) -> {
            reply.head(200, "application/protobuf", 1L << 32);
            reply.write(HexFormat.of().parseHex("80808080 04".replace(" ", "")));
            reply.hang();
        });
        expectPullError(SyncProtocolException.class, "more than the limit");
    }

    @Test
    void pageOfTheWrongSize() throws Exception {
        start((request, reply) -> reply.send(200, "application/protobuf",
                stream(rawHeader("3", 1), pageData(0, new byte[1000]))));
        expectPullError(SyncProtocolException.class, "1000 bytes, expected 4096");
    }

    @Test
    void garbageJson() throws Exception {
        start((request, reply) -> reply.send(200, "application/json", "{\"results\": [tru".getBytes()));
        expectPipelineError(SyncProtocolException.class, "malformed JSON");
    }

    @Test
    void unauthorizedIsAnAuthenticationErrorThatDoesNotEchoTheToken() throws Exception {
        start((request, reply) -> reply.send(401, "text/plain",
                ("invalid token " + TOKEN + " for key " + KEY).getBytes()));
        expectPipelineError(SyncAuthenticationException.class, "HTTP 401");
        expectPullError(SyncAuthenticationException.class, "invalid token ***");
    }

    @Test
    void serverErrorCarriesStatusAndExcerpt() throws Exception {
        start((request, reply) -> reply.send(500, "text/plain",
                "Internal Server Error: Failed to decode PullUpdatesRequest".getBytes()));
        StepVerifier.create(transport.pullUpdates(bootstrap()))
                .expectErrorSatisfies(error -> {
                    assertThat(error).isInstanceOf(SyncServerException.class)
                            .hasMessageContaining("POST /pull-updates failed: HTTP 500: Internal Server Error");
                    assertThat(((SyncServerException) error).status()).isEqualTo(500);
                    assertThat(((SyncServerException) error).isTransient()).isFalse();
                })
                .verify(QUICK);
    }

    @Test
    void serviceUnavailableIsTransient() throws Exception {
        start((request, reply) -> reply.send(503, "text/plain", new byte[0]));
        StepVerifier.create(transport.pipeline(selectOne()))
                .expectErrorSatisfies(error -> assertThat(((SyncServerException) error).isTransient()).isTrue())
                .verify(QUICK);
    }

    @Test
    void connectionResetInTheMiddleOfTheBody() throws Exception {
        byte[] body = stream(rawHeader("3", 2), pageData(0, page(1)), pageData(1, page(2)));
        start((request, reply) -> {
            reply.head(200, "application/protobuf", body.length);
            reply.write(Arrays.copyOf(body, 5000));
            reply.reset();
        });
        expectPullError(SyncTransportException.class, "POST /pull-updates to 127.0.0.1");
    }

    @Test
    void serverThatNeverAnswersTimesOut() throws Exception {
        start((request, reply) -> reply.hang(), Duration.ofMillis(700));
        expectPipelineError(SyncTimeoutException.class, "no reply within 700 ms");
        expectPullError(SyncTimeoutException.class, "no reply within 700 ms");
    }

    @Test
    void aStallInTheMiddleOfAPageStreamTimesOutAfterTheResponseTimeoutNotTheLongPoll() throws Exception {
        // the long poll gives the reply's first bytes a minute, so a loaded machine slow to send them changes
        // nothing; once the body streams, a silence of the response timeout ends it
        byte[] body = stream(rawHeader("3", 2), pageData(0, page(1)), pageData(1, page(2)));
        start((request, reply) -> {
            reply.head(200, "application/protobuf", body.length);
            reply.write(Arrays.copyOf(body, 6000));
            reply.hang();
        }, Duration.ofMillis(700));
        StepVerifier.create(transport.pullUpdates(longPoll(Duration.ofMinutes(1))))
                .expectNextCount(2)
                .expectErrorSatisfies(error -> assertThat(error).isInstanceOf(SyncTimeoutException.class)
                        .hasMessageContaining("the reply stopped: no data for 700 ms"))
                .verify(QUICK);
    }

    @Test
    void aLongPollGivesTheReplysFirstBytesTheResponseTimeoutAndTheLongPoll() throws Exception {
        byte[] body = stream(rawHeader("3", 1), pageData(0, page(1)));
        start((request, reply) -> {
            // a server holding a pull until it has changes, here twice the response timeout alone
            Thread.sleep(1400);
            reply.send(200, "application/protobuf", body);
        }, Duration.ofMillis(700));
        StepVerifier.create(transport.pullUpdates(longPoll(Duration.ofSeconds(20))))
                .expectNextCount(2)
                .verifyComplete();
    }

    private static PullUpdatesReqProtoBody longPoll(Duration wait) {
        return PullUpdatesReqProtoBody.newBuilder().setClientRevision("2")
                .setLongPollTimeoutMs((int) wait.toMillis()).build();
    }

    @Test
    void aPullWhoseSubscriberStopsEarlyLeavesNoUnreadBytesForTheNextRequest() throws Exception {
        // a keep-alive server that holds back a pull's last bytes until the subscriber has gone: a connection
        // handed back to the pool then would still owe them, and the next reply read on it would start with them
        byte[] body = stream(rawHeader("3", 2), pageData(0, page(1)), pageData(1, page(2)));
        CountDownLatch subscriberGone = new CountDownLatch(1);
        byte[] ok = ("{\"baton\":null,\"results\":[{\"type\":\"ok\",\"response\":{\"type\":\"execute\",\"result\":"
                + "{\"cols\":[],\"rows\":[],\"affected_row_count\":0,\"last_insert_rowid\":null}}}]}")
                .getBytes(StandardCharsets.UTF_8);
        server = new FakeSyncServer((request, reply) -> {
            if (request.path().equals("/v2/pipeline")) {
                reply.send(200, "application/json", ok);
                return;
            }
            reply.head(200, "application/protobuf", body.length);
            reply.write(Arrays.copyOf(body, body.length - 10));
            subscriberGone.await();
            reply.write(Arrays.copyOfRange(body, body.length - 10, body.length));
        }, true);
        transport = ReactorNettySyncTransport.create(TransportOptions.of(server.url())
                .withAuthToken(AuthTokenSource.of(TOKEN))
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(30)));

        StepVerifier.create(transport.pullUpdates(bootstrap()).take(1))
                .expectNextCount(1)
                .verifyComplete();
        subscriberGone.countDown();

        for (int i = 0; i < 3; i++) {
            StepVerifier.create(transport.pipeline(selectOne()))
                    .assertNext(response -> assertThat(response.results()).hasOnlyElementsOfType(
                            PipelineResult.ExecuteOk.class))
                    .verifyComplete();
        }
    }

    @Test
    void refusedConnectionIsATransientTransportError() throws Exception {
        // a port bound without listening: connecting is refused, and no other process can listen on it meanwhile
        // (a port freed by closing a server could be taken by another test's server, which would accept)
        Socket reserved = new Socket();
        reserved.setReuseAddress(false);
        reserved.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        String url = "http://127.0.0.1:" + reserved.getLocalPort();
        ReactorNettySyncTransport refused = ReactorNettySyncTransport.create(TransportOptions.of(url)
                .withAuthToken(AuthTokenSource.of(TOKEN)));
        try (reserved) {
            StepVerifier.create(refused.pipeline(selectOne()))
                    .expectErrorSatisfies(error -> {
                        assertThat(error).isInstanceOf(SyncTransportException.class)
                                .hasMessageContaining("connection refused");
                        assertThat(((SyncTransportException) error).isTransient()).isTrue();
                        assertNoSecret(error);
                    })
                    .verify(QUICK);
        } finally {
            refused.close().block(QUICK);
        }
    }

    /** Asserts that no piece of a credential of 8 characters or more is in the text. */
    private static void assertNoSecretPiece(String text) {
        for (String secret : List.of(TOKEN, KEY)) {
            for (int i = 0; i + 8 <= secret.length(); i++) {
                assertThat(text).doesNotContain(secret.substring(i, i + 8));
            }
        }
    }

    private static void assertTypedWithoutSecretPiece(Throwable error, Class<? extends Throwable> type) {
        assertThat(error).isInstanceOf(type);
        StringWriter trace = new StringWriter();
        error.printStackTrace(new PrintWriter(trace));
        assertNoSecretPiece(trace.toString());
    }

    @Test
    void anErrorBodyIsMaskedBeforeItIsCutSoNoPieceOfASecretCrossesTheCut() throws Exception {
        start((request, reply) -> reply.send(400, "text/plain", ("x".repeat(505) + TOKEN + " " + KEY)
                .getBytes(StandardCharsets.UTF_8)));

        StepVerifier.create(transport.pipeline(selectOne()))
                .expectErrorSatisfies(error -> assertTypedWithoutSecretPiece(error, SyncServerException.class))
                .verify(QUICK);
    }

    @Test
    void stepErrorsAndMalformedRepliesThatEchoSecretsAreMasked() throws Exception {
        String echo = "{\"baton\":null,\"results\":[{\"type\":\"ok\",\"response\":{\"type\":\"batch\",\"result\":"
                + "{\"step_results\":[null],\"step_errors\":[{\"message\":\"bad " + TOKEN + " / "
                + KEY.substring(2, 12) + "\",\"code\":\"" + TOKEN + "\"}]}}},{\"type\":\"error\",\"error\":"
                + "{\"message\":\"no " + KEY + "\"}}]}";
        AtomicInteger calls = new AtomicInteger();
        start((request, reply) -> reply.send(200, "application/json", (calls.incrementAndGet() == 1 ? echo
                : "{\"results\": [" + TOKEN).getBytes(StandardCharsets.UTF_8)));

        PipelineRequest.Batch batch = new PipelineRequest.Batch(List.of(
                new dev.tursosync.internal.hrana.BatchStep(null, HranaStatement.query("SELECT 1"))));
        StepVerifier.create(transport.pipeline(List.of(batch, batch)))
                .assertNext(response -> {
                    String text = response.toString();
                    assertThat(text).contains("bad ***");
                    assertNoSecretPiece(text);
                })
                .verifyComplete();
        StepVerifier.create(transport.pipeline(selectOne()))
                .expectErrorSatisfies(error -> assertTypedWithoutSecretPiece(error, SyncProtocolException.class))
                .verify(QUICK);
    }

    @Test
    void aReplyWithHeadersTooLongIsAProtocolError() throws Exception {
        start((request, reply) -> reply.write(("HTTP/1.1 200 OK\r\nX-Filler: " + "a".repeat(64 * 1024)
                + "\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1)));

        expectPipelineError(SyncProtocolException.class, "not well-formed HTTP");
    }

    @Test
    void secretsAndTheirLongPiecesAreMasked() {
        Secret secret = Secret.of("abcdefghijklmnopqrstuvwxyz");
        assertThat(secret.redactFrom("x abcdefghijklmnopqrstuvwxyz y")).isEqualTo("x *** y");
        assertThat(secret.redactFrom("x cdefghijkl y")).isEqualTo("x *** y");
        assertThat(secret.redactFrom("x cdefghi y")).isEqualTo("x cdefghi y");
        assertThat(Secret.of("short").redactFrom("a short b")).isEqualTo("a *** b");
    }
}
