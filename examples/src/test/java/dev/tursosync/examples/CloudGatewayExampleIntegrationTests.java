package dev.tursosync.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tursosync.SyncClient;
import dev.tursosync.testing.CloudGateway;
import dev.tursosync.testing.LocalSyncServer;
import dev.tursosync.testing.RevisionStyle;
import dev.tursosync.testing.TursoServerExtension;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

// tag::testing-gateway[]
@ExtendWith(TursoServerExtension.class)
final class CloudGatewayExampleIntegrationTests {

    @Test
    void syncsLikeAgainstTursoCloud(LocalSyncServer server, @TempDir Path folder) {
        try (CloudGateway cloud = CloudGateway.builder(server.port())      // TLS and auth on by default
                .revisions(RevisionStyle.JSON_OBJECT)                        // revisions are not numbers
                .start()) {
            SyncClient client = SyncClient.builder()
                    .path(folder.resolve("app.db"))
                    .url(cloud.libsqlUrl())                                  // libsql://127.0.0.1:<port>
                    .trustCertificates(cloud.certificate())                  // its self-signed certificate
                    .authToken(cloud.token(CloudGateway.Access.READ_WRITE, Duration.ofHours(1)))
                    .longPollTimeout(Duration.ofSeconds(30))
                    .build();
            try {
                client.open().block(Duration.ofSeconds(30));

                assertThat(client.stats().block(Duration.ofSeconds(30)).revision()).startsWith("{\"generation\"");
                assertThat(cloud.counts().unauthorized()).isZero();
            } finally {
                client.close().block(Duration.ofSeconds(30));
            }
        }
    }
}
// end::testing-gateway[]
