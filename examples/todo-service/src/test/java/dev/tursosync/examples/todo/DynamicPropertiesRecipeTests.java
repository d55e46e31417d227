package dev.tursosync.examples.todo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tursosync.SyncClient;
import dev.tursosync.testing.LocalSyncServer;
import dev.tursosync.testing.TursoServerExtension;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The service in a {@code @SpringBootTest} with the extension and {@code @DynamicPropertySource}, by hand. */
// tag::dynamic-property-source[]
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@ExtendWith(TursoServerExtension.class)
class DynamicPropertiesRecipeTests {

    static LocalSyncServer server;
    @TempDir
    static Path replicas;

    @BeforeAll
    static void server(LocalSyncServer started) {
        server = started;
    }

    @DynamicPropertySource
    static void tursosync(DynamicPropertyRegistry registry) {
        registry.add("tursosync.url", () -> server.url());
        registry.add("tursosync.path", () -> replicas.resolve("replica.db").toString());
    }
    // end::dynamic-property-source[]

    @Autowired
    SyncClient client;

    @Test
    void theApplicationsReplicaIsOpenOnTheTestsServer() {
        assertThat(client.clientId()).startsWith("todo-service-");
        assertThat(replicas.resolve("replica.db")).exists();
    }
}
