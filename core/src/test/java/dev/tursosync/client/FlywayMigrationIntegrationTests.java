package dev.tursosync.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tursosync.SyncClient;
import dev.tursosync.testing.LocalSyncServer;
import dev.tursosync.testing.TursoServerExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Flyway through {@link SyncClient#dataSource()}: its DDL, its rows and its history table are captured and pushed, so
 * another replica sees the migrations as applied. Each scenario uses its own table prefix and history table. The
 * replica already holds the client's own tables, so Flyway needs {@code baselineOnMigrate} (at version 0) to start
 * its history in a schema it finds non-empty.
 */
@ExtendWith(TursoServerExtension.class)
final class FlywayMigrationIntegrationTests {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private final LocalSyncServer server;

    FlywayMigrationIntegrationTests(LocalSyncServer server) {
        this.server = server;
    }

    private static MigrateResult migrate(SyncClient client, String prefix, String target) {
        return Flyway.configure()
                .dataSource(client.dataSource())
                .locations("classpath:db/flyway")
                .table(prefix + "history")
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .placeholders(Map.of("p", prefix))
                .target(target)
                .load()
                .migrate();
    }

    @Test
    void migrationsAppliedOnOneReplicaArePushedAndSeenAsAppliedByTheNext(@TempDir Path dir) {
        try (RemoteSql remote = new RemoteSql(server.url())) {
            SyncClient a = SyncClientsForTests.open(dir.resolve("a.db"), server.url());
            SyncClient b = null;
            try {
                assertThat(migrate(a, "s_", "1").migrationsExecuted).isEqualTo(1);
                a.push().block(WAIT);
                assertThat(remote.query("SELECT id, body FROM s_note")).containsExactly(List.of(1L, "seeded by V1"));
                assertThat(remote.query("SELECT version, success FROM s_history ORDER BY installed_rank"))
                        .containsExactly(List.of("0", 1L), List.of("1", 1L));

                b = SyncClientsForTests.open(dir.resolve("b.db"), server.url());
                MigrateResult onB = migrate(b, "s_", "latest");
                assertThat(onB.migrations).extracting(migration -> migration.version).containsExactly("2");
                b.push().block(WAIT);

                a.pullChanges().blockLast(WAIT);
                assertThat(migrate(a, "s_", "latest").migrationsExecuted).isZero();
                assertThat(a.stats().block(WAIT).pendingChanges()).isZero();
                assertThat(LocalSql.query(a, "SELECT body, name FROM s_tagged"))
                        .containsExactly(List.of("seeded by V1", "first"));
                assertThat(remote.query("SELECT version FROM s_history ORDER BY installed_rank"))
                        .containsExactly(List.of("0"), List.of("1"), List.of("2"));
                assertThat(remote.query("SELECT count(*) FROM sqlite_schema WHERE name LIKE 's\\_%' ESCAPE '\\'"))
                        .containsExactly(List.of(6L));
            } finally {
                a.close().block(WAIT);
                if (b != null) {
                    b.close().block(WAIT);
                }
            }
        }
    }

    @Test
    void twoReplicasMigratingAtOnceBothPushAndEachObjectIsOnceOnTheRemote(@TempDir Path dir) {
        try (RemoteSql remote = new RemoteSql(server.url())) {
            SyncClient c = SyncClientsForTests.open(dir.resolve("c.db"), server.url());
            SyncClient d = SyncClientsForTests.open(dir.resolve("d.db"), server.url());
            try {
                assertThat(migrate(c, "c_", "latest").migrationsExecuted).isEqualTo(2);
                assertThat(migrate(d, "c_", "latest").migrationsExecuted).isEqualTo(2);
                c.push().block(WAIT);
                d.push().block(WAIT);
                c.pullChanges().blockLast(WAIT);
                d.pullChanges().blockLast(WAIT);

                for (SyncClient replica : List.of(c, d)) {
                    assertThat(migrate(replica, "c_", "latest").migrationsExecuted).isZero();
                    assertThat(replica.stats().block(WAIT).pendingChanges()).isZero();
                    assertThat(LocalSql.query(replica, "SELECT version FROM c_history ORDER BY installed_rank"))
                            .containsExactly(List.of("0"), List.of("1"), List.of("2"));
                }
                assertThat(remote.query("SELECT type, name FROM sqlite_schema WHERE name LIKE 'c\\_%' ESCAPE '\\' "
                        + "ORDER BY name")).containsExactly(List.of("table", "c_history"),
                        List.of("index", "c_history_s_idx"), List.of("table", "c_note"),
                        List.of("index", "c_note_body"), List.of("table", "c_tag"), List.of("view", "c_tagged"));
                assertThat(remote.query("SELECT count(*) FROM c_note")).containsExactly(List.of(1L));
                assertThat(remote.query("SELECT count(*) FROM c_tag")).containsExactly(List.of(1L));
                assertThat(remote.query("SELECT version FROM c_history ORDER BY installed_rank"))
                        .containsExactly(List.of("0"), List.of("1"), List.of("2"));
            } finally {
                c.close().block(WAIT);
                d.close().block(WAIT);
            }
        }
    }
}
