package dev.tursosync.examples.todo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tursosync.SyncClient;
import dev.tursosync.spring.boot.test.LocalTursoSyncServer;
import dev.tursosync.testing.LocalSyncServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

/** The service in a {@code @SpringBootTest} with {@link LocalTursoSyncServer}: the recipe of docs/spring-boot.md. */
// tag::local-server-annotation[]
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@LocalTursoSyncServer
class LocalServerAnnotationTests {

    @Autowired
    LocalSyncServer server;   // server.stop() ... server.resume(): an outage on the same data and port
    @Autowired
    TodoRepository todos;
    // end::local-server-annotation[]
    @Autowired
    SyncClient client;
    @Value("${tursosync.url}")
    String url;

    @Test
    void theApplicationSyncsWithTheTestsServer() {
        assertThat(url).isEqualTo(server.url());
        todos.save(new Todo(null, "tested", false)).block(Duration.ofSeconds(60));
        client.push().block(Duration.ofSeconds(60));
        assertThat(client.stats().block(Duration.ofSeconds(60)).pendingChanges()).isZero();
    }
}
