package dev.tursosync.examples.snippets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tursosync.SyncClient;
import dev.tursosync.testing.LocalSyncServer;
import dev.tursosync.testing.TursoServerExtension;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The service provider interface's snippet: what it writes on a lease is captured, pushed and seen elsewhere. */
@ExtendWith(TursoServerExtension.class)
final class SpiSnippetsIntegrationTests {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void statementsOnALeaseAreCapturedAndPushed(LocalSyncServer server, @TempDir Path folder) throws Exception {
        SyncClient client = SyncClient.builder().path(folder.resolve("spi.db")).url(server.url()).build();
        SyncClient other = SyncClient.builder().path(folder.resolve("other.db")).url(server.url()).build();
        try {
            client.open().block(WAIT);
            SpiSnippets.execute(client, "CREATE TABLE spi_notes (id INTEGER PRIMARY KEY, body TEXT)").block(WAIT);
            assertThat(SpiSnippets.execute(client, "INSERT INTO spi_notes VALUES (1, 'a'), (2, 'b')").block(WAIT))
                    .isEqualTo(2);
            client.push().block(WAIT);

            other.open().block(WAIT);
            try (Connection connection = other.dataSource().getConnection();
                    Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery("SELECT count(*) FROM spi_notes")) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getLong(1)).as("rows a fresh replica of the remote holds").isEqualTo(2);
            }
        } finally {
            other.close().block(WAIT);
            client.close().block(WAIT);
        }
    }
}
