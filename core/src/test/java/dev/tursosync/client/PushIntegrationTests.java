package dev.tursosync.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tursosync.ChangeOperation;
import dev.tursosync.Mutation;
import dev.tursosync.MutationResult;
import dev.tursosync.ReplayFailedException;
import dev.tursosync.PushRejectedException;
import dev.tursosync.PushResult;
import dev.tursosync.SyncClient;
import dev.tursosync.testing.LocalSyncServer;
import dev.tursosync.testing.TursoServerExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Push against the real {@code tursodb --sync-server}: SQL forms, atomic batches, bookkeeping, round trips. */
@ExtendWith(TursoServerExtension.class)
final class PushIntegrationTests {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private final LocalSyncServer server;
    private final RemoteSql remote;
    private final String t = "t_" + Long.toHexString(System.nanoTime());
    private final List<SyncClient> clients = new ArrayList<>();
    @TempDir
    Path dir;

    PushIntegrationTests(LocalSyncServer server) {
        this.server = server;
        this.remote = new RemoteSql(server.url());
    }

    @AfterEach
    void closeClientsAndRemote() {
        clients.forEach(client -> client.close().block(WAIT));
        remote.close();
    }

    private SyncClient open(String name) {
        return open(name, mutation -> MutationResult.keep());
    }

    private SyncClient open(String name, Function<Mutation, MutationResult> transform) {
        SyncClient client = SyncClient.builder().path(dir.resolve(name + ".db")).url(server.url())
                .clientName(name).transform(transform).pushBatchSize(3).build();
        client.open().block(WAIT);
        clients.add(client);
        return client;
    }

    private static PushResult push(SyncClient client) {
        return client.push().block(WAIT);
    }

    private static long pending(SyncClient client) {
        return client.stats().block(WAIT).pendingChanges();
    }

    @Test
    void pushesEveryValueTypeAndAFreshReplicaSeesTheSameRows() {
        SyncClient a = open("a");
        LocalSql.execute(a, "CREATE TABLE " + t + " (id INTEGER PRIMARY KEY, v TEXT, b BLOB, r REAL, n)");
        LocalSql.execute(a, "INSERT INTO " + t + " VALUES (?, ?, ?, ?, ?)", 9007199254740993L, "hé😀 'q\"", 
                new byte[] {0, 1, (byte) 255}, 0.1 + 0.2, null);
        LocalSql.execute(a, "INSERT INTO " + t + " VALUES (?, ?, ?, ?, ?)", Long.MIN_VALUE, "", new byte[0],
                -1.5e300, 42L);
        LocalSql.execute(a, "INSERT INTO " + t + " VALUES (?, ?, ?, ?, ?)", Long.MAX_VALUE, null, null, 2.0, "x");
        assertThat(pending(a)).isEqualTo(4);

        PushResult result = push(a);

        assertThat(result.changesPushed()).isEqualTo(4);
        assertThat(result.batches()).isEqualTo(2);
        assertThat(pending(a)).isZero();
        String query = "SELECT id, v, hex(b), r, n, typeof(r) FROM " + t + " ORDER BY id";
        assertThat(remote.query(query)).isEqualTo(LocalSql.query(a, query));
        assertThat(remote.query(query)).hasSize(3);
        assertThat(remote.query("SELECT change_id > 0 FROM turso_sync_last_change_id WHERE client_id = '"
                + a.clientId() + "'")).containsExactly(List.of(1L));

        SyncClient fresh = open("fresh");
        assertThat(LocalSql.query(fresh, query)).isEqualTo(LocalSql.query(a, query));
    }

    @Test
    void updatesSendChangedColumnsAndPrimaryKeyChangesReachTheRemote() {
        remote.transaction("CREATE TABLE " + t + " (k TEXT PRIMARY KEY, v TEXT, w INTEGER)",
                "CREATE TABLE " + t + "_c (a INTEGER, b TEXT, v TEXT, PRIMARY KEY (a, b))",
                "INSERT INTO " + t + " VALUES ('x', 'one', 1)", "INSERT INTO " + t + "_c VALUES (1, 'p', 'v1')");
        SyncClient a = open("a");
        LocalSql.execute(a, "UPDATE " + t + " SET k = 'z' WHERE k = 'x'",
                "UPDATE " + t + "_c SET b = 'q', v = 'v2' WHERE a = 1");
        remote.execute("UPDATE " + t + " SET w = 7 WHERE k = 'x'");

        push(a);

        assertThat(remote.query("SELECT k, v, w FROM " + t)).containsExactly(List.of("z", "one", 7L));
        assertThat(remote.query("SELECT a, b, v FROM " + t + "_c")).containsExactly(List.of(1L, "q", "v2"));
    }

    @Test
    void deletesAndUpsertsUseThePrimaryKey() {
        remote.transaction("CREATE TABLE " + t + " (id INTEGER PRIMARY KEY, v TEXT)",
                "INSERT INTO " + t + " VALUES (1, 'one')", "INSERT INTO " + t + " VALUES (2, 'two')");
        SyncClient a = open("a");
        remote.execute("INSERT INTO " + t + " VALUES (3, 'remote three')");
        LocalSql.execute(a, "DELETE FROM " + t + " WHERE id = 1", "INSERT INTO " + t + " VALUES (3, 'local three')",
                "INSERT OR REPLACE INTO " + t + " VALUES (2, 'replaced')");

        push(a);

        assertThat(remote.query("SELECT id, v FROM " + t + " ORDER BY id"))
                .containsExactly(List.of(2L, "replaced"), List.of(3L, "local three"));
    }

    @Test
    void tablesWithoutPrimaryKeyNeverOverwriteAnotherClientsRow() {
        remote.transaction("CREATE TABLE " + t + " (x TEXT)");
        SyncClient a = open("a");
        SyncClient b = open("b");
        LocalSql.execute(a, "INSERT INTO " + t + " VALUES ('fromA')");
        LocalSql.execute(b, "INSERT INTO " + t + " VALUES ('fromB')");
        push(a);
        push(b);
        LocalSql.execute(b, "UPDATE " + t + " SET x = 'fromB-updated' WHERE x = 'fromB'");

        push(b);

        assertThat(remote.query("SELECT x FROM " + t + " ORDER BY x"))
                .containsExactly(List.of("fromA"), List.of("fromB-updated"));
        a.pullChanges().blockLast(WAIT);
        b.pullChanges().blockLast(WAIT);
        assertThat(LocalSql.query(a, "SELECT x FROM " + t + " ORDER BY x"))
                .isEqualTo(LocalSql.query(b, "SELECT x FROM " + t + " ORDER BY x"));
    }

    @Test
    void schemaChangesArePushed() {
        SyncClient a = open("a");
        LocalSql.execute(a, "CREATE TABLE " + t + " (id INTEGER PRIMARY KEY, v TEXT)",
                "INSERT INTO " + t + " VALUES (1, 'a')",
                "ALTER TABLE " + t + " ADD COLUMN extra INTEGER DEFAULT 7",
                "INSERT INTO " + t + " VALUES (2, 'b', 8)",
                "CREATE INDEX " + t + "_v ON " + t + " (v)",
                "CREATE TABLE \"" + t + " odd \"\"name\"\"\" (\"select\" TEXT PRIMARY KEY, \"ü\" INTEGER)",
                "INSERT INTO \"" + t + " odd \"\"name\"\"\" VALUES ('k', 1)",
                "CREATE TABLE " + t + "_gone (id INTEGER PRIMARY KEY)",
                "DROP TABLE " + t + "_gone");

        push(a);

        assertThat(remote.query("SELECT id, v, extra FROM " + t + " ORDER BY id"))
                .containsExactly(List.of(1L, "a", 7L), List.of(2L, "b", 8L));
        assertThat(remote.query("SELECT name FROM sqlite_schema WHERE name LIKE '" + t + "%' ORDER BY name"))
                .containsExactly(List.of(t), List.of(t + " odd \"name\""), List.of(t + "_v"));
        assertThat(remote.query("SELECT \"select\", \"ü\" FROM \"" + t + " odd \"\"name\"\"\""))
                .containsExactly(List.of("k", 1L));
    }

    @Test
    void aRejectedChangeRollsBackItsBatchAndStaysPendingUntilTheHookFixesIt() {
        remote.transaction("CREATE TABLE " + t + " (id INTEGER PRIMARY KEY, y TEXT UNIQUE)",
                "CREATE TABLE IF NOT EXISTS turso_sync_last_change_id (client_id TEXT PRIMARY KEY, pull_gen INTEGER,"
                        + " change_id INTEGER)");
        AtomicBoolean fix = new AtomicBoolean();
        SyncClient a = open("a", mutation -> fix.get() && "taken".equals(mutation.after().get("y"))
                ? MutationResult.rewrite("INSERT INTO " + t + "(id, y) VALUES (?, ?)", mutation.rowid(), "renamed")
                : MutationResult.keep());
        remote.execute("INSERT INTO " + t + " VALUES (100, 'taken')");
        LocalSql.transaction(a, "INSERT INTO " + t + " VALUES (1, 'ok1')", "INSERT INTO " + t + " VALUES (2, 'taken')",
                "INSERT INTO " + t + " VALUES (3, 'ok3')");

        assertThatThrownBy(() -> push(a))
                .isInstanceOfSatisfying(PushRejectedException.class, rejected -> {
                    assertThat(rejected.table()).isEqualTo(t);
                    assertThat(rejected.operation()).isEqualTo("INSERT");
                    assertThat(rejected.remoteMessage()).contains("UNIQUE");
                    assertThat(rejected.getMessage()).contains(t).contains("INSERT").contains("UNIQUE");
                });
        assertThat(remote.query("SELECT id FROM " + t + " ORDER BY id")).containsExactly(List.of(100L));
        assertThat(remote.query("SELECT count(*) FROM turso_sync_last_change_id WHERE client_id = '"
                + a.clientId() + "'")).containsExactly(List.of(0L));
        assertThat(pending(a)).isEqualTo(3);
        assertThatThrownBy(() -> a.pullChanges().blockLast(WAIT))
                .isInstanceOfSatisfying(ReplayFailedException.class, failed -> {
                    assertThat(failed.table()).isEqualTo(t);
                    assertThat(failed.sqliteMessage()).contains("UNIQUE");
                });
        assertThat(pending(a)).isEqualTo(3);

        fix.set(true);
        push(a);

        assertThat(remote.query("SELECT id, y FROM " + t + " ORDER BY id")).containsExactly(List.of(1L, "ok1"),
                List.of(2L, "renamed"), List.of(3L, "ok3"), List.of(100L, "taken"));
        assertThat(pending(a)).isZero();
    }

    @Test
    void theHookSeesEveryMutationAndCanSkip() {
        remote.transaction("CREATE TABLE " + t + " (id INTEGER PRIMARY KEY, v TEXT)",
                "INSERT INTO " + t + " VALUES (1, 'one')");
        List<Mutation> seen = new ArrayList<>();
        SyncClient a = open("a", mutation -> {
            seen.add(mutation);
            return "secret".equals(mutation.after().get("v")) ? MutationResult.skip() : MutationResult.keep();
        });
        LocalSql.execute(a, "UPDATE " + t + " SET v = 'uno' WHERE id = 1", "INSERT INTO " + t + " VALUES (2, 'secret')",
                "DELETE FROM " + t + " WHERE id = 1");

        push(a);

        assertThat(seen).extracting(Mutation::operation).containsExactly(ChangeOperation.UPDATE,
                ChangeOperation.INSERT, ChangeOperation.DELETE);
        assertThat(seen.get(0).before()).containsEntry("v", "one");
        assertThat(seen.get(0).updates()).containsExactly(java.util.Map.entry("v", "uno"));
        assertThat(seen.get(0).rowid()).isEqualTo(1L);
        assertThat(remote.query("SELECT count(*) FROM " + t)).containsExactly(List.of(0L));
        assertThat(pending(a)).isZero();
    }

    @Test
    void pushThenPullConvergesTwoReplicas() {
        remote.transaction("CREATE TABLE " + t + " (id INTEGER PRIMARY KEY, v TEXT)");
        SyncClient a = open("a");
        SyncClient b = open("b");
        LocalSql.execute(a, "INSERT INTO " + t + " VALUES (1, 'from a')");
        LocalSql.execute(b, "INSERT INTO " + t + " VALUES (2, 'from b')");

        a.sync().block(WAIT);
        b.sync().block(WAIT);
        a.sync().block(WAIT);

        String query = "SELECT id, v FROM " + t + " ORDER BY id";
        assertThat(LocalSql.query(a, query)).containsExactly(List.of(1L, "from a"), List.of(2L, "from b"));
        assertThat(LocalSql.query(b, query)).isEqualTo(LocalSql.query(a, query));
        LocalSql.execute(a, "UPDATE " + t + " SET v = 'again' WHERE id = 2");
        a.sync().block(WAIT);
        assertThat(remote.query(query)).containsExactly(List.of(1L, "from a"), List.of(2L, "again"));
    }

    @Test
    void conflictsFollowLastPushWins() {
        remote.transaction("CREATE TABLE " + t + " (id INTEGER PRIMARY KEY, a TEXT, b TEXT)",
                "INSERT INTO " + t + " VALUES (1, 'a0', 'b0')", "INSERT INTO " + t + " VALUES (2, 'a0', 'b0')",
                "INSERT INTO " + t + " VALUES (3, 'a0', 'b0')");
        SyncClient first = open("first");
        SyncClient second = open("second");
        LocalSql.execute(first, "UPDATE " + t + " SET a = 'first', b = 'first' WHERE id = 1",
                "DELETE FROM " + t + " WHERE id = 2", "UPDATE " + t + " SET a = 'first' WHERE id = 3",
                "INSERT INTO " + t + " VALUES (4, 'first', 'first')");
        LocalSql.execute(second, "UPDATE " + t + " SET b = 'second' WHERE id = 1",
                "UPDATE " + t + " SET a = 'second' WHERE id = 2", "DELETE FROM " + t + " WHERE id = 3",
                "INSERT INTO " + t + " VALUES (4, 'second', NULL)");

        push(first);
        push(second);

        assertThat(remote.query("SELECT id, a, b FROM " + t + " ORDER BY id")).containsExactly(
                List.of(1L, "first", "second"),
                java.util.Arrays.asList(4L, "second", null));
    }

    /**
     * A replica whose log a previous version created ({@code AUTOINCREMENT}, triggers with the {@code typeof} blob
     * check) pushes its changes, old and new, exactly once after the upgrade; the next pull replaces the log with the
     * current one, and pushes go on from there.
     */
    @Test
    void aLogOfThePreviousVersionPushesAfterTheUpgradeAndThePullAfterReplacesIt() throws Exception {
        Path file = dir.resolve("upgraded.db");
        SyncClient before = SyncClient.builder().path(file).url(server.url()).clientName("upgraded")
                .pushBatchSize(3).build();
        before.open().block(WAIT);
        LocalSql.execute(before, "CREATE TABLE " + t + " (id INTEGER PRIMARY KEY, v TEXT, n)");
        LocalSql.execute(before, "INSERT INTO " + t + " VALUES (1, 'one', 1)");
        before.close().block(WAIT);
        try (java.sql.Connection connection = java.sql.DriverManager.getConnection("jdbc:sqlite:" + file);
             java.sql.Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE kept AS SELECT * FROM tursosync_changes");
            statement.execute("DROP TABLE tursosync_changes");
            statement.execute("CREATE TABLE tursosync_changes (id INTEGER PRIMARY KEY AUTOINCREMENT, txn INTEGER NOT"
                    + " NULL, time INTEGER NOT NULL, tbl TEXT NOT NULL, op INTEGER NOT NULL, rid INTEGER, old TEXT,"
                    + " new TEXT, sql TEXT)");
            statement.execute("INSERT INTO tursosync_changes SELECT * FROM kept ORDER BY id");
            statement.execute("DROP TABLE kept");
            List<List<String>> triggers = new ArrayList<>();
            try (java.sql.ResultSet rows = statement.executeQuery("SELECT name, sql FROM sqlite_schema WHERE type ="
                    + " 'trigger' AND name LIKE 'tursosync%'")) {
                while (rows.next()) {
                    triggers.add(List.of(rows.getString(1), rows.getString(2)));
                }
            }
            assertThat(triggers).hasSizeGreaterThanOrEqualTo(3);
            for (List<String> trigger : triggers) {
                String previous = trigger.get(1).replaceAll("iif\\(([^ ]+) >= x'', ", "iif(typeof($1) = 'blob', ");
                assertThat(previous).isNotEqualTo(trigger.get(1));
                statement.execute("DROP TRIGGER \"" + trigger.get(0) + "\"");
                statement.execute(previous);
            }
        }
        SyncClient a = open("upgraded");
        LocalSql.execute(a, "INSERT INTO " + t + " VALUES (?, ?, ?)", 2L, new byte[] {0, 1, (byte) 255}, "two");
        LocalSql.execute(a, "INSERT INTO " + t + " VALUES (?, ?, ?)", 3L, "three", new byte[0]);
        LocalSql.execute(a, "UPDATE " + t + " SET n = 11 WHERE id = 1");
        assertThat(LocalSql.query(a, "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = '"
                + t + "' AND sql LIKE '%typeof%'")).as("the previous triggers still capture")
                .containsExactly(List.of(3L));
        String query = "SELECT id, typeof(v), hex(v), typeof(n), hex(n) FROM " + t + " ORDER BY id";
        assertThat(pending(a)).isEqualTo(5);

        assertThat(push(a).changesPushed()).isEqualTo(5);

        assertThat(remote.query(query)).isEqualTo(LocalSql.query(a, query)).hasSize(3);
        String changeId = "SELECT change_id FROM turso_sync_last_change_id WHERE client_id = '" + a.clientId() + "'";
        long firstPush = ((Number) remote.query(changeId).get(0).get(0)).longValue();
        LocalSql.execute(a, "DELETE FROM " + t + " WHERE id = 3", "INSERT INTO " + t + " VALUES (4, 'four', 4)");
        assertThat(push(a).changesPushed()).isEqualTo(2);
        assertThat(remote.query(query)).isEqualTo(LocalSql.query(a, query)).hasSize(3);
        assertThat(((Number) remote.query(changeId).get(0).get(0)).longValue()).isGreaterThan(firstPush);

        remote.execute("INSERT INTO " + t + " VALUES (5, 'remote', 5)");
        a.pullChanges().blockLast(WAIT);
        assertThat(LocalSql.query(a, "SELECT sql LIKE '%AUTOINCREMENT%' FROM sqlite_schema WHERE name ="
                + " 'tursosync_changes'")).as("the pull's log is the current one").containsExactly(List.of(0L));
        LocalSql.execute(a, "INSERT INTO " + t + " VALUES (?, ?, ?)", 6L, new byte[] {7}, "six");
        assertThat(push(a).changesPushed()).isEqualTo(1);
        assertThat(remote.query(query)).isEqualTo(LocalSql.query(a, query)).hasSize(5);
        assertThat(pending(a)).isZero();
    }
}
