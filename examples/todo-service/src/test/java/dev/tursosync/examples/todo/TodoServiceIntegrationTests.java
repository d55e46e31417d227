package dev.tursosync.examples.todo;

import static dev.tursosync.examples.todo.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tursosync.SyncClient;
import dev.tursosync.SyncClosedException;
import dev.tursosync.testing.LocalSyncServer;
import dev.tursosync.testing.TursoServerExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.JdkClientHttpConnector;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;
import reactor.core.Disposable;

/**
 * The service on a random port, syncing every 200 ms with a real {@code tursodb --sync-server}, driven over HTTP; a
 * second replica of the same remote checks what the service pushed and makes changes of its own.
 */
@ExtendWith(TursoServerExtension.class)
final class TodoServiceIntegrationTests {

    @TempDir
    static Path folder;
    private static ConfigurableApplicationContext service;
    private static WebTestClient http;
    private static OtherReplica other;

    @BeforeAll
    static void startTheService(LocalSyncServer server) {
        service = new SpringApplicationBuilder(TodoApplication.class).run(
                "--server.address=127.0.0.1",
                "--server.port=0",
                "--tursosync.url=" + server.url(),
                "--tursosync.path=" + folder.resolve("service.db"),
                "--tursosync.auto-sync.pull-interval=200ms");
        int port = ((WebServerApplicationContext) service).getWebServer().getPort();
        // The JDK's HTTP client, as before the starter: it reads the SSE stream without a second event loop.
        http = WebTestClient.bindToServer(new JdkClientHttpConnector())
                .baseUrl("http://127.0.0.1:" + port)
                .responseTimeout(Duration.ofSeconds(30)).build();
        other = OtherReplica.open(server.url(), folder.resolve("other.db"));
    }

    @AfterAll
    static void stopTheService() {
        if (other != null) {
            other.close();
        }
        if (service != null) {
            SyncClient client = service.getBean(SyncClient.class);
            service.close();
            assertThatThrownBy(() -> client.stats().block(Duration.ofSeconds(30)))
                    .as("the application closed its sync client").isInstanceOf(SyncClosedException.class);
        }
    }

    @Test
    void aTodoCreatedOverRestReachesTheRemote() {
        Todo created = create("write the docs");

        assertThat(created.title()).isEqualTo("write the docs");
        assertThat(created.done()).isFalse();
        eventually(() -> assertThat(other.todosAfterSync()).contains(created));
    }

    @Test
    void updatesAndDeletesOverRestReachTheRemote() {
        Todo created = create("water the plants");
        Todo done = new Todo(created.id(), "water the plants", true);

        http.put().uri("/todos/{id}", created.id()).bodyValue(new TodoRequest("water the plants", true)).exchange()
                .expectStatus().isOk()
                .expectBody(Todo.class).isEqualTo(done);
        eventually(() -> assertThat(other.todosAfterSync()).contains(done));

        http.delete().uri("/todos/{id}", created.id()).exchange().expectStatus().isNoContent();
        http.get().uri("/todos/{id}", created.id()).exchange().expectStatus().isNotFound();
        eventually(() -> assertThat(other.todosAfterSync()).extracting(Todo::id).doesNotContain(created.id()));
    }

    @Test
    void aChangeMadeOnTheRemoteShowsUpInTheList() {
        eventually(() -> assertThat(other.todosAfterSync()).isNotNull());   // the service pushed its table

        other.addAndSync("call the plumber");

        eventually(() -> assertThat(list()).extracting(Todo::title).contains("call the plumber"));
    }

    @Test
    void badRequestsAreRefused() {
        http.post().uri("/todos").bodyValue(new TodoRequest(" ", false)).exchange().expectStatus().isBadRequest();
        http.put().uri("/todos/{id}", 999_999).bodyValue(new TodoRequest("nothing", false)).exchange()
                .expectStatus().isNotFound();
        http.delete().uri("/todos/{id}", 999_999).exchange().expectStatus().isNotFound();
    }

    @Test
    void healthShowsTheSyncStatusAndTheReplicaCounters() {
        create("check the health");

        eventually(() -> http.get().uri("/actuator/health/tursoSync").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.status").isEqualTo("UP")
                .jsonPath("$.details.state").isNotEmpty()
                .jsonPath("$.details.nextAttempt").doesNotExist()
                .jsonPath("$.details.error").doesNotExist()
                .jsonPath("$.details.lastPull").isNotEmpty()
                .jsonPath("$.details.lastPush").isNotEmpty()
                .jsonPath("$.details.revision").isNotEmpty()
                .jsonPath("$.details.pendingChanges").isEqualTo(0));
        http.get().uri("/actuator/metrics/tursosync.pull").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.measurements[0].statistic").isEqualTo("COUNT");
    }

    @Test
    void anotherReplicasWriteArrivesAsAServerSentEvent() throws InterruptedException {
        eventually(() -> assertThat(other.todosAfterSync()).isNotNull());   // the service pushed its table
        Flux<ServerSentEvent<String>> events = http.get().uri("/todos/events").accept(MediaType.TEXT_EVENT_STREAM)
                .exchange().expectStatus().isOk()
                .returnResult(new ParameterizedTypeReference<ServerSentEvent<String>>() {
                }).getResponseBody();
        BlockingQueue<ServerSentEvent<String>> received = new LinkedBlockingQueue<>();
        Disposable reading = events.subscribe(received::add);
        try {
            assertThat(received.poll(60, TimeUnit.SECONDS)).extracting(ServerSentEvent::event).isEqualTo("connected");

            Todo added = other.addAndSync("sent as an event");

            ServerSentEvent<String> event = received.poll(60, TimeUnit.SECONDS);
            while (event != null && "reset".equals(event.event())) {
                event = received.poll(60, TimeUnit.SECONDS);
            }
            assertThat(event).isNotNull();
            assertThat(event.event()).isEqualTo("insert");
            assertThat(event.data()).isEqualTo(String.valueOf(added.id()));
        } finally {
            reading.dispose();
        }
    }

    private static Todo create(String title) {
        return http.post().uri("/todos").bodyValue(new TodoRequest(title, false)).exchange()
                .expectStatus().isCreated()
                .expectHeader().valueMatches("Location", "/todos/\\d+")
                .expectBody(Todo.class).returnResult().getResponseBody();
    }

    private static List<Todo> list() {
        return http.get().uri("/todos").exchange()
                .expectStatus().isOk()
                .expectBodyList(Todo.class).returnResult().getResponseBody();
    }
}
