package dev.tursosync.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tursosync.SyncClient;
import dev.tursosync.r2dbc.TursoConnectionFactory;
import dev.tursosync.spring.boot.app.Note;
import dev.tursosync.spring.boot.app.NoteRepository;
import dev.tursosync.spring.boot.app.NotesApplication;
import dev.tursosync.spring.boot.test.LocalTursoSyncServer;
import dev.tursosync.testing.LocalSyncServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.client.reactive.JdkClientHttpConnector;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A Boot application with nothing but the starter and {@link LocalTursoSyncServer} (which sets tursosync.url and
 * tursosync.path), against the real server: its repository writes reach the remote through background sync, another
 * replica's writes reach it, {@code /actuator/health} shows {@code tursoSync} DOWN while the server is stopped past
 * the threshold and UP once it is back, and {@code /actuator/metrics/tursosync.pull} counts pulls.
 */
@SpringBootTest(classes = NotesApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"tursosync.client-name=notes", "tursosync.auto-sync.pull-interval=200ms",
                "tursosync.auto-sync.push-debounce=50ms", "tursosync.auto-sync.first-backoff=100ms",
                "tursosync.auto-sync.max-backoff=300ms", "tursosync.retry.max-retries=0",
                "tursosync.health.max-failure-duration=1s", "spring.sql.init.mode=always",
                "management.endpoints.web.exposure.include=health,metrics",
                "management.endpoint.health.show-details=always"})
@LocalTursoSyncServer
final class StarterApplicationIntegrationTests {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
    };

    @Autowired
    NoteRepository notes;
    @Autowired
    LocalSyncServer server;
    @LocalServerPort
    int port;
    @TempDir
    Path dir;

    private WebTestClient http() {
        return WebTestClient.bindToServer(new JdkClientHttpConnector()).baseUrl("http://127.0.0.1:" + port)
                .responseTimeout(WAIT).build();
    }

    @Test
    void repositoryWritesReachTheRemoteAndOtherReplicasWritesArrive() {
        Note saved = notes.save(new Note(null, "from the app")).block(WAIT);
        SyncClient other = SyncClient.builder().path(dir.resolve("other.db")).url(server.url())
                .clientName("other").build();
        other.open().block(WAIT);
        try {
            DatabaseClient otherDatabase = DatabaseClient.create(TursoConnectionFactory.of(other));
            List<String> seen = until(() -> {
                other.pullChanges().blockLast(WAIT);
                return otherDatabase.sql("SELECT text FROM note WHERE id = :id").bind("id", saved.id())
                        .map(row -> row.get("text", String.class)).all().collectList()
                        .onErrorReturn(List.of()).block(WAIT);
            }, rows -> !rows.isEmpty());
            assertThat(seen).containsExactly("from the app");

            otherDatabase.sql("INSERT INTO note (text) VALUES ('from the other replica')").then().block(WAIT);
            other.push().block(WAIT);
            List<String> texts = until(() -> notes.findAll().map(Note::text).collectList().block(WAIT),
                    rows -> rows.contains("from the other replica"));
            assertThat(texts).contains("from the app", "from the other replica");
        } finally {
            other.close().block(WAIT);
        }
    }

    @Test
    void healthIsDownWhileTheServerIsStoppedPastTheThresholdAndUpWhenItIsBack() {
        assertThat(until(this::syncHealth, health -> "UP".equals(health.get("status")))).containsKey("details");
        server.stop();
        try {
            Map<String, Object> down = until(this::syncHealth, health -> "DOWN".equals(health.get("status")));
            @SuppressWarnings("unchecked")
            Map<String, Object> details = (Map<String, Object>) down.get("details");
            assertThat(details).containsKeys("state", "lastPull", "pendingChanges", "revision", "failingSince");
            assertThat((String) details.get("error")).startsWith("SyncTransportException");
        } finally {
            server.resume();
        }
        Map<String, Object> up = until(this::syncHealth, health -> "UP".equals(health.get("status")));
        assertThat(up.get("details")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .doesNotContainKey("error");
    }

    @Test
    void pullsAreCountedInMetrics() {
        Map<String, Object> metric = until(() -> http().get().uri("/actuator/metrics/tursosync.pull?tag=outcome:success")
                .exchange().expectStatus().isOk().expectBody(JSON).returnResult().getResponseBody(),
                body -> count(body) > 0);
        assertThat(metric.get("name")).isEqualTo("tursosync.pull");
        http().get().uri("/actuator/metrics/tursosync.lag").exchange().expectStatus().isOk();
        http().get().uri("/actuator/metrics/tursosync.pending.changes").exchange().expectStatus().isOk();
    }

    private Map<String, Object> syncHealth() {
        return http().get().uri("/actuator/health/tursoSync").exchange().expectBody(JSON).returnResult()
                .getResponseBody();
    }

    @SuppressWarnings("unchecked")
    private static double count(Map<String, Object> metric) {
        return ((List<Map<String, Object>>) metric.get("measurements")).stream()
                .filter(measurement -> "COUNT".equals(measurement.get("statistic")))
                .mapToDouble(measurement -> ((Number) measurement.get("value")).doubleValue()).sum();
    }

    /** Reads until the value satisfies the condition (what background sync does sooner or later); a minute at most. */
    private static <T> T until(Supplier<T> read, java.util.function.Predicate<T> condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            T value = read.get();
            if (condition.test(value)) {
                return value;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("still not there after " + WAIT.toSeconds() + " s: " + value);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }
}
