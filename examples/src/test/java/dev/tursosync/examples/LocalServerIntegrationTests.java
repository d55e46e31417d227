package dev.tursosync.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tursosync.SyncClient;
import dev.tursosync.testing.LocalSyncServer;
import dev.tursosync.testing.TursoServerExtension;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

// tag::testing-extension[]
@ExtendWith(TursoServerExtension.class)
final class LocalServerIntegrationTests {

    @Test
    void bootstrapsAReplica(LocalSyncServer server, @TempDir Path folder) {
        SyncClient client = SyncClient.builder().path(folder.resolve("app.db")).url(server.url()).build();
        try {
            client.open().block(Duration.ofSeconds(30));

            assertThat(client.stats().block(Duration.ofSeconds(30)).revision()).isNotNull();
        } finally {
            client.close().block(Duration.ofSeconds(30));
        }
    }
}
// end::testing-extension[]
