package dev.tursosync.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tursosync.MutationResult;
import dev.tursosync.PushRejectedException;
import dev.tursosync.SyncClient;
import dev.tursosync.SyncStatus;
import dev.tursosync.testing.LocalSyncServer;
import dev.tursosync.testing.TursoServerExtension;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
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

    @Test
    void aChangeTheRemoteRefusesForGoodIsNamedInStatusAndTheHookResolvesIt(@TempDir Path dir) {
        try (RemoteSql remote = new RemoteSql(server.url())) {
            remote.execute("CREATE TABLE r_tag (id INTEGER PRIMARY KEY, name TEXT)");
            AtomicReference<String> refusedTable = new AtomicReference<>();
            SyncClient client = SyncClient.builder().path(dir.resolve("r.db")).url(server.url())
                    .transform(mutation -> mutation.table().equals(refusedTable.get())
                            && "taken".equals(mutation.after().get("name")) ? MutationResult.skip()
                            : MutationResult.keep())
                    .build();
            client.open().block(WAIT);
            try {
                remote.transaction("CREATE UNIQUE INDEX r_tag_name ON r_tag (name)",
                        "INSERT INTO r_tag VALUES (100, 'taken')");
                LocalSql.execute(client, "INSERT INTO r_tag VALUES (1, 'taken')");
                LocalSql.execute(client, "INSERT INTO r_tag VALUES (2, 'free')");
                for (int attempt = 0; attempt < 2; attempt++) {
                    assertThatThrownBy(() -> client.push().block(WAIT))
                            .isInstanceOfSatisfying(PushRejectedException.class, rejected -> {
                                assertThat(rejected.table()).isEqualTo("r_tag");
                                assertThat(rejected.operation()).isEqualTo("INSERT");
                                assertThat(rejected.getMessage()).contains("UNIQUE");
                                assertThat(rejected.changeId()).isPositive();
                            });
                    SyncStatus status = client.status().blockFirst(WAIT);
                    assertThat(status.error()).get().isInstanceOf(PushRejectedException.class);
                }
                refusedTable.set("r_tag"); // the resolution: skip the refused row in the transform hook
                client.push().block(WAIT);
                assertThat(client.stats().block(WAIT).pendingChanges()).isZero();
                assertThat(client.status().blockFirst(WAIT).error()).isEmpty();
                assertThat(remote.query("SELECT id, name FROM r_tag ORDER BY id"))
                        .containsExactly(List.of(2L, "free"), List.of(100L, "taken"));
            } finally {
                client.close().block(WAIT);
            }
        }
    }
}
