package dev.tursosync.examples.snippets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tursosync.SyncClient;
import dev.tursosync.r2dbc.TursoConnectionFactory;
import dev.tursosync.testing.LocalSyncServer;
import dev.tursosync.testing.TursoServerExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.r2dbc.core.DatabaseClient;

/** The getting-started program runs as the guide says: its write reaches the remote, where another replica sees it. */
@ExtendWith(TursoServerExtension.class)
final class GettingStartedIntegrationTests {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void writesLocallyAndSyncs(LocalSyncServer server, @TempDir Path folder) {
        List<String> read = GettingStarted.run(folder, server.url());

        SyncClient other = SyncClient.builder().path(folder.resolve("other.db")).url(server.url()).build();
        try {
            other.open().block(WAIT);
            List<String> remote = DatabaseClient.create(TursoConnectionFactory.of(other))
                    .sql("SELECT body FROM notes").map(row -> row.get("body", String.class)).all()
                    .collectList().block(WAIT);

            assertThat(read).containsExactly("hello");
            assertThat(remote).as("what a fresh replica of the remote holds").containsExactly("hello");
        } finally {
            other.close().block(WAIT);
        }
    }
}
