package dev.tursosync.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tursosync.SyncClient;
import dev.tursosync.testing.LocalSyncServer;
import dev.tursosync.testing.TursoServerExtension;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import liquibase.GlobalConfiguration;
import liquibase.Scope;
import liquibase.changelog.ChangeLogParameters;
import liquibase.command.CommandScope;
import liquibase.command.core.UpdateCommandStep;
import liquibase.command.core.helpers.DatabaseChangelogCommandStep;
import liquibase.command.core.helpers.DbUrlConnectionArgumentsCommandStep;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.ClassLoaderResourceAccessor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Liquibase through {@link SyncClient#dataSource()}: its DDL, its rows and its changelog tables are captured and
 * pushed, so another replica sees the changesets as applied. Each scenario uses its own table prefix and changelog
 * tables.
 */
@ExtendWith(TursoServerExtension.class)
final class LiquibaseMigrationIntegrationTests {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String CHANGELOG = "db/liquibase/changelog.sql";

    private final LocalSyncServer server;

    LiquibaseMigrationIntegrationTests(LocalSyncServer server) {
        this.server = server;
    }

    /** Runs the whole changelog with its own changelog tables and returns the ids of the changesets it ran. */
    private static List<String> update(SyncClient client, String prefix) throws Exception {
        Map<String, Object> scope = Map.of(
                GlobalConfiguration.DATABASECHANGELOG_TABLE_NAME.getKey(), prefix + "changelog",
                GlobalConfiguration.DATABASECHANGELOGLOCK_TABLE_NAME.getKey(), prefix + "changelog_lock",
                Scope.Attr.resourceAccessor.name(), new ClassLoaderResourceAccessor());
        try (Connection connection = client.dataSource().getConnection()) {
            Database database = DatabaseFactory.getInstance()
                    .findCorrectDatabaseImplementation(new JdbcConnection(connection));
            ChangeLogParameters parameters = new ChangeLogParameters(database);
            parameters.set("p", prefix);
            List<String> before = ranChangesets(client, prefix);
            Scope.child(scope, () -> new CommandScope(UpdateCommandStep.COMMAND_NAME)
                    .addArgumentValue(DbUrlConnectionArgumentsCommandStep.DATABASE_ARG, database)
                    .addArgumentValue(UpdateCommandStep.CHANGELOG_FILE_ARG, CHANGELOG)
                    .addArgumentValue(DatabaseChangelogCommandStep.CHANGELOG_PARAMETERS, parameters)
                    .execute());
            List<String> after = ranChangesets(client, prefix);
            return after.subList(before.size(), after.size());
        }
    }

    private static List<String> ranChangesets(SyncClient client, String prefix) {
        boolean exists = !LocalSql.query(client, "SELECT 1 FROM sqlite_schema WHERE name = '" + prefix
                + "changelog'").isEmpty();
        return exists ? LocalSql.query(client, "SELECT id FROM " + prefix + "changelog ORDER BY orderexecuted")
                .stream().map(row -> (String) row.get(0)).toList() : List.of();
    }

    @Test
    void changesetsAppliedOnOneReplicaArePushedAndSeenAsAppliedByTheNext(@TempDir Path dir) throws Exception {
        try (RemoteSql remote = new RemoteSql(server.url())) {
            SyncClient a = SyncClientsForTests.open(dir.resolve("a.db"), server.url());
            SyncClient b = null;
            try {
                assertThat(update(a, "s_")).containsExactly("1", "2");
                a.push().block(WAIT);
                assertThat(remote.query("SELECT id, name FROM s_item")).containsExactly(List.of(1L,
                        "seeded by changeset 1"));

                b = SyncClientsForTests.open(dir.resolve("b.db"), server.url());
                assertThat(update(b, "s_")).isEmpty();
                b.push().block(WAIT);
                assertThat(b.stats().block(WAIT).pendingChanges()).isZero();
                assertThat(remote.query("SELECT id FROM s_changelog ORDER BY orderexecuted"))
                        .containsExactly(List.of("1"), List.of("2"));
                assertThat(remote.query("SELECT count(*) FROM s_label")).containsExactly(List.of(1L));
            } finally {
                a.close().block(WAIT);
                if (b != null) {
                    b.close().block(WAIT);
                }
            }
        }
    }

    @Test
    void twoReplicasUpdatingAtOnceBothPushAndEachObjectIsOnceOnTheRemote(@TempDir Path dir) throws Exception {
        try (RemoteSql remote = new RemoteSql(server.url())) {
            SyncClient c = SyncClientsForTests.open(dir.resolve("c.db"), server.url());
            SyncClient d = SyncClientsForTests.open(dir.resolve("d.db"), server.url());
            try {
                assertThat(update(c, "c_")).containsExactly("1", "2");
                assertThat(update(d, "c_")).containsExactly("1", "2");
                c.push().block(WAIT);
                d.push().block(WAIT);
                c.pullChanges().blockLast(WAIT);
                d.pullChanges().blockLast(WAIT);

                for (SyncClient replica : List.of(c, d)) {
                    assertThat(update(replica, "c_")).isEmpty();
                    assertThat(replica.stats().block(WAIT).pendingChanges()).isZero();
                }
                assertThat(remote.query("SELECT type, name FROM sqlite_schema WHERE name IN ('c_item', "
                        + "'c_item_name', 'c_label') ORDER BY name")).containsExactly(List.of("table", "c_item"),
                        List.of("index", "c_item_name"), List.of("table", "c_label"));
                assertThat(remote.query("SELECT count(*) FROM c_item")).containsExactly(List.of(1L));
                assertThat(remote.query("SELECT count(*) FROM c_label")).containsExactly(List.of(1L));
                System.out.println("liquibase changelog rows on the remote after two replicas: "
                        + remote.query("SELECT id, author FROM c_changelog ORDER BY orderexecuted"));
            } finally {
                c.close().block(WAIT);
                d.close().block(WAIT);
            }
        }
    }
}
