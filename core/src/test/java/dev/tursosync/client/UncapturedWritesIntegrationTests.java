package dev.tursosync.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tursosync.SyncClient;
import dev.tursosync.testing.LocalSyncServer;
import dev.tursosync.testing.TursoServerExtension;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes the client did not capture cannot wedge the push queue: a table created and filled on a connection the
 * client does not own (a plain {@code jdbc:sqlite:} connection, as a migration tool run beside the client would
 * use), and a table created by {@code CREATE TABLE ... AS SELECT}, are detected, and their DDL and rows are pushed
 * before the rows written to them later.
 */
@ExtendWith(TursoServerExtension.class)
final class UncapturedWritesIntegrationTests {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private final LocalSyncServer server;

    UncapturedWritesIntegrationTests(LocalSyncServer server) {
        this.server = server;
    }

    @Test
    void aTableCreatedAndFilledOutsideTheClientIsPushedBeforeTheRowsThatDependOnIt(@TempDir Path dir)
            throws Exception {
        try (RemoteSql remote = new RemoteSql(server.url())) {
            Path db = dir.resolve("a.db");
            SyncClient a = SyncClientsForTests.open(db, server.url());
            SyncClient b = null;
            try {
                try (Connection foreign = DriverManager.getConnection("jdbc:sqlite:" + db);
                     Statement statement = foreign.createStatement()) {
                    statement.execute("CREATE TABLE w_note (id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
                    statement.execute("INSERT INTO w_note VALUES (1, 'written outside the client')");
                }
                LocalSql.execute(a, "INSERT INTO w_note VALUES (?, ?)", 2L, "written by the client");
                LocalSql.execute(a, "CREATE TABLE w_copy AS SELECT id, body FROM w_note");
                LocalSql.execute(a, "UPDATE w_note SET body = 'updated' WHERE id = 1");

                a.push().block(WAIT);

                assertThat(a.stats().block(WAIT).pendingChanges()).isZero();
                assertThat(remote.query("SELECT id, body FROM w_note ORDER BY id")).containsExactly(
                        List.of(1L, "updated"), List.of(2L, "written by the client"));
                assertThat(remote.query("SELECT id, body FROM w_copy ORDER BY id")).containsExactly(
                        List.of(1L, "written outside the client"), List.of(2L, "written by the client"));

                b = SyncClientsForTests.open(dir.resolve("b.db"), server.url());
                assertThat(LocalSql.query(b, "SELECT count(*) FROM w_note")).containsExactly(List.of(2L));
                a.pullChanges().blockLast(WAIT);
                assertThat(LocalSql.query(a, "SELECT id, body FROM w_note ORDER BY id")).containsExactly(
                        List.of(1L, "updated"), List.of(2L, "written by the client"));
            } finally {
                a.close().block(WAIT);
                if (b != null) {
                    b.close().block(WAIT);
                }
            }
        }
    }
}
