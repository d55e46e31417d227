package dev.tursosync.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link FaultProxy} against a small keep-alive HTTP server: pass-through, then each fault kind on its own. */
final class FaultProxyTests {

    private static final int LARGE = 40_000;

    private EchoServer backend;
    private HttpClient http;

    @BeforeEach
    void start() throws IOException {
        backend = new EchoServer();
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    @AfterEach
    void stop() throws IOException {
        backend.close();
    }

    @Test
    void passesRequestsAndResponsesThroughUntouched() throws Exception {
        try (FaultProxy proxy = new FaultProxy(backend.port(), 1, FaultConfig.builder().build())) {
            for (int i = 0; i < 20; i++) {
                byte[] body = ("request " + i + " " + "x".repeat(i * 500)).getBytes();
                HttpResponse<byte[]> echoed = post(proxy, body, -1);
                assertThat(echoed.statusCode()).isEqualTo(200);
                assertThat(echoed.body()).isEqualTo(body);
            }
            HttpResponse<byte[]> large = post(proxy, new byte[0], LARGE);
            assertThat(large.body()).isEqualTo(EchoServer.body(LARGE));

            FaultCounts counts = proxy.counts();
            assertThat(counts.requests()).isEqualTo(21);
            assertThat(counts.connections()).isBetween(1L, 21L);
            assertThat(counts.total()).isZero();
            assertThat(backend.requests()).isEqualTo(21);
        }
    }

    @ParameterizedTest
    @EnumSource(value = FaultKind.class, names = {"REFUSE", "RESET_REQUEST", "RESET_RESPONSE", "STALL_REQUEST",
        "STALL_RESPONSE", "CUT_RESPONSE"})
    void failingFaultsBreakTheExchange(FaultKind kind) throws Exception {
        try (FaultProxy proxy = new FaultProxy(backend.port(), 2, only(kind))) {
            long started = System.nanoTime();
            assertThatThrownBy(() -> post(proxy, "x".repeat(2000).getBytes(), LARGE)).isInstanceOf(IOException.class);
            long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();

            assertThat(proxy.counts().faults()).isEqualTo(Map.of(kind, 1L));
            if (kind.name().startsWith("STALL")) {
                assertThat(millis).as("the stall ends in a reset after it lasted").isGreaterThanOrEqualTo(400);
            }
            if (kind == FaultKind.REFUSE || kind == FaultKind.RESET_REQUEST || kind == FaultKind.STALL_REQUEST) {
                assertThat(backend.requests()).as("requests the server read completely").isZero();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = FaultKind.class, names = {"HTTP_500", "HTTP_502", "HTTP_503"})
    void theProxyAnswersErrorsItselfWithoutTheServer(FaultKind kind) throws Exception {
        try (FaultProxy proxy = new FaultProxy(backend.port(), 3, only(kind))) {
            HttpResponse<byte[]> reply = post(proxy, "x".repeat(5000).getBytes(), -1);

            assertThat(reply.statusCode()).isEqualTo(kind.httpStatus());
            assertThat(new String(reply.body())).startsWith("fault proxy: " + kind.httpStatus());
            assertThat(reply.headers().firstValue("connection")).hasValue("close");
            assertThat(proxy.counts().faults()).isEqualTo(Map.of(kind, 1L));
            assertThat(backend.requests()).isZero();
        }
    }

    @Test
    void delaysHoldTheRequestBackAndThenPassIt() throws Exception {
        FaultConfig config = FaultConfig.builder().probability(FaultKind.DELAY, 1)
                .delay(Duration.ofMillis(300), Duration.ofMillis(400)).build();
        try (FaultProxy proxy = new FaultProxy(backend.port(), 4, config)) {
            long started = System.nanoTime();
            HttpResponse<byte[]> reply = post(proxy, "delayed".getBytes(), -1);

            assertThat(Duration.ofNanos(System.nanoTime() - started).toMillis()).isGreaterThanOrEqualTo(300);
            assertThat(reply.body()).isEqualTo("delayed".getBytes());
            assertThat(proxy.counts().faults()).isEqualTo(Map.of(FaultKind.DELAY, 1L));
        }
    }

    @Test
    void withFaultsOffEverythingPassesAndNothingIsCounted() throws Exception {
        try (FaultProxy proxy = new FaultProxy(backend.port(), 5, only(FaultKind.RESET_REQUEST))) {
            proxy.faultsOn(false);
            assertThat(post(proxy, "ok".getBytes(), -1).body()).isEqualTo("ok".getBytes());
            assertThat(proxy.injected()).isZero();

            proxy.faultsOn(true);
            assertThatThrownBy(() -> post(proxy, "ko".getBytes(), -1)).isInstanceOf(IOException.class);
            assertThat(proxy.injected()).isEqualTo(1);
            assertThat(proxy.faultsSince(0)).singleElement().asString()
                    .matches("1: connection 1 request 2: RESET_REQUEST after [0-9]+ of [0-9]+ request bytes");
            assertThat(proxy.faultsSince(1)).isEmpty();
        }
    }

    @Test
    void mixedFaultsAreCountedByKindAndTheSameSeedDrawsTheSameFaults() throws Exception {
        FaultConfig config = FaultConfig.builder().probability(FaultKind.RESET_RESPONSE, 0.2)
                .probability(FaultKind.HTTP_503, 0.2).probability(FaultKind.CUT_RESPONSE, 0.2)
                .probability(FaultKind.REFUSE, 0.1).build();
        String first = outcomes(config, 42);
        assertThat(outcomes(config, 42)).isEqualTo(first);
        assertThat(first).contains("ok", "503", "failed");
    }

    /** Sends 30 requests, each on a new connection, and lists the outcomes. */
    private String outcomes(FaultConfig config, long seed) throws Exception {
        StringBuilder outcomes = new StringBuilder();
        try (FaultProxy proxy = new FaultProxy(backend.port(), seed, config)) {
            for (int i = 0; i < 30; i++) {
                HttpClient fresh = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                try {
                    HttpResponse<byte[]> reply = send(fresh, proxy, "x".getBytes(), LARGE);
                    outcomes.append(reply.statusCode() == 200 ? "ok " : reply.statusCode() + " ");
                } catch (IOException e) {
                    outcomes.append("failed ");
                }
            }
            FaultCounts counts = proxy.counts();
            assertThat(counts.total()).isEqualTo(counts.faults().values().stream().mapToLong(Long::longValue).sum());
            assertThat(counts.faults().keySet()).isSubsetOf(FaultKind.RESET_RESPONSE, FaultKind.HTTP_503,
                    FaultKind.CUT_RESPONSE, FaultKind.REFUSE);
        }
        return outcomes.toString();
    }

    private static FaultConfig only(FaultKind kind) {
        return FaultConfig.builder().probability(kind, 1).stall(Duration.ofMillis(500)).build();
    }

    private HttpResponse<byte[]> post(FaultProxy proxy, byte[] body, int size) throws Exception {
        return send(http, proxy, body, size);
    }

    private static HttpResponse<byte[]> send(HttpClient client, FaultProxy proxy, byte[] body, int size)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(proxy.url() + "/echo"))
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (size >= 0) {
            request.header("x-size", Integer.toString(size));
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }
}
