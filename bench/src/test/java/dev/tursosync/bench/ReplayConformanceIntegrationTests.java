package dev.tursosync.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tursosync.Mutation;
import dev.tursosync.MutationResult;
import dev.tursosync.PushRejectedException;
import dev.tursosync.SyncClient;
import dev.tursosync.testing.LocalSyncServer;
import dev.tursosync.testing.TursoServerExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Conformance with Turso's own SDK sync tests (issue 17), through the public API against the real server, with the
 * official JS client ({@code @tursodatabase/sync} 0.7.2, run by {@code js/driver.mjs}) as the second peer. Each test
 * names the upstream test it ports. Values are compared as SQLite's {@code quote()} text on both sides.
 */
@ExtendWith(TursoServerExtension.class)
final class ReplayConformanceIntegrationTests {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Path JS = Path.of("js").toAbsolutePath();

    private final LocalSyncServer server;
    private final String q = "q_" + Long.toHexString(System.nanoTime());
    @TempDir
    Path dir;
    private JsDriver js;
    private SyncClient javaClient;
    private JsDriver.JsReplica jsClient;

    ReplayConformanceIntegrationTests(LocalSyncServer server) {
        this.server = server;
    }

    /** Java creates the scenario's table and pushes it; then the JS client bootstraps. */
    private void openBoth(String ddl) throws Exception {
        openBoth(ddl, mutation -> MutationResult.keep());
    }

    /** As {@link #openBoth(String)}, the Java client with a transform hook. */
    private void openBoth(String ddl, Function<Mutation, MutationResult> transform) throws Exception {
        Path log = Files.createDirectories(dir.resolve("logs")).resolve("js-driver.log");
        JsDriverInstall.ensureInstalled(JS, log);
        js = JsDriver.start(JS, log);
        javaClient = SyncClient.builder().path(dir.resolve("java.db")).url(server.url()).clientName("java")
                .transform(transform).build();
        javaClient.open().block(WAIT);
        javaExecute(ddl);
        javaClient.push().block(WAIT);
        jsClient = (JsDriver.JsReplica) js.open(server.url(), dir.resolve("js.db"));
    }

    @BeforeEach
    void noClients() {
        js = null;
        javaClient = null;
    }

    @AfterEach
    void closeBoth() {
        if (javaClient != null) {
            javaClient.close().block(WAIT);
        }
        if (js != null) {
            js.close();
        }
    }

    private void syncBoth() {
        javaClient.pullChanges().blockLast(WAIT);
        jsClient.pull();
    }

    private String rows(String columns) {
        return "SELECT " + columns + " FROM " + q + " ORDER BY 1";
    }

    private void assertBoth(String query, List<List<Object>> expected) {
        assertThat(javaQuery(query)).isEqualTo(expected);
        assertThat(jsClient.query(query)).isEqualTo(expected);
    }

    /** promise.test.ts {@code last-push-wins}. */
    @Test
    void lastPushWins() throws Exception {
        openBoth("CREATE TABLE " + q + " (x TEXT PRIMARY KEY, y)");
        javaExecute("INSERT INTO " + q + " VALUES ('k1', 'value1'), ('k2', 'value2'), ('k4', 'value4')");
        jsClient.execLocal("INSERT INTO " + q + " VALUES ('k1', 'value3'), ('k2', 'value4'), ('k3', 'value5')");

        jsClient.push();
        javaClient.push().block(WAIT);
        syncBoth();

        assertBoth(rows("x || '=' || y AS r"), List.of(List.of("k1=value1"), List.of("k2=value2"),
                List.of("k3=value5"), List.of("k4=value4")));
    }

    /** promise.test.ts {@code last-push-wins-with-delete}. */
    @Test
    void lastPushWinsWithDelete() throws Exception {
        openBoth("CREATE TABLE " + q + " (x TEXT PRIMARY KEY, y)");
        javaExecute("INSERT INTO " + q + " VALUES ('k1', 'value1'), ('k2', 'value2'), ('k4', 'value4')",
                "DELETE FROM " + q);
        jsClient.execLocal("INSERT INTO " + q + " VALUES ('k1', 'value3'), ('k2', 'value4'), ('k3', 'value5')");

        jsClient.push();
        javaClient.push().block(WAIT);
        syncBoth();

        assertBoth(rows("x || '=' || y AS r"), List.of(List.of("k3=value5")));
    }

    /** promise.test.ts {@code merge-non-overlapping-keys}. */
    @Test
    void mergeNonOverlappingKeys() throws Exception {
        openBoth("CREATE TABLE " + q + " (x TEXT PRIMARY KEY, y)");
        javaExecute("INSERT INTO " + q + " VALUES ('k1', 'value1'), ('k2', 'value2')");
        jsClient.execLocal("INSERT INTO " + q + " VALUES ('k3', 'value3'), ('k4', 'value4'), ('k5', 'value5')");

        javaClient.push().block(WAIT);
        jsClient.push();
        syncBoth();

        assertBoth(rows("x || '=' || y AS r"), List.of(List.of("k1=value1"), List.of("k2=value2"),
                List.of("k3=value3"), List.of("k4=value4"), List.of("k5=value5")));
    }

    /**
     * promise.test.ts {@code constraint-conflict}: the second push fails on the {@code UNIQUE} column. Here the
     * change also stays pending (the JS client 0.7.2 skips the failed statement and commits the rest of its batch).
     */
    @Test
    void constraintConflictRejectsTheSecondPushAndKeepsItsChange() throws Exception {
        openBoth("CREATE TABLE " + q + " (x TEXT PRIMARY KEY, y UNIQUE)");
        jsClient.execLocal("INSERT INTO " + q + " VALUES ('k1', 'value1')");
        javaExecute("INSERT INTO " + q + " VALUES ('k2', 'value1')");

        jsClient.push();

        assertThatThrownBy(() -> javaClient.push().block(WAIT)).isInstanceOf(PushRejectedException.class)
                .hasMessageContaining("UNIQUE constraint failed");
        assertThat(javaClient.stats().block(WAIT).pendingChanges()).isEqualTo(1);
    }

    /**
     * sync engine {@code test_sync_push_alter_table_add_column_idempotent}: both clients add the same column, the
     * second one (without pulling) inserts a row using it and pushes.
     */
    @Test
    void theSameColumnAddedOnBothClientsPushes() throws Exception {
        openBoth("CREATE TABLE " + q + " (x TEXT PRIMARY KEY, y)");
        jsClient.execLocal("ALTER TABLE " + q + " ADD COLUMN z");
        jsClient.push();
        javaExecute("ALTER TABLE " + q + " ADD COLUMN z", "INSERT INTO " + q + " VALUES ('k1', 'y1', 'z1')");

        javaClient.push().block(WAIT);
        syncBoth();

        assertBoth(rows("x || y || z AS r"), List.of(List.of("k1y1z1")));
    }

    /**
     * database_replay_generator.rs {@code test_rowid_replay_avoids_user_columns_shadowing_rowid_aliases}: in a table
     * whose own column is named {@code rowid}, an update and a delete touch exactly their row.
     */
    @Test
    void aUserColumnNamedRowidIsNotTheRowId() throws Exception {
        openBoth("CREATE TABLE " + q + " (\"rowid\" INTEGER, v TEXT)");
        jsClient.execLocal("INSERT INTO " + q + " VALUES (5, 'x'), (5, 'y'), (6, 'w')");
        jsClient.push();
        javaClient.pullChanges().blockLast(WAIT);

        javaExecute("UPDATE " + q + " SET v = 'z' WHERE v = 'x'", "DELETE FROM " + q + " WHERE v = 'y'");
        javaClient.push().block(WAIT);
        jsClient.pull();

        assertBoth("SELECT quote(\"rowid\") || v AS r FROM " + q + " ORDER BY 1", List.of(List.of("5z"),
                List.of("6w")));
    }

    /**
     * database_replay_generator.rs {@code test_upsert_predelete_only_for_null_key_components}: both clients insert a
     * row whose composite key has a {@code NULL} part; the last push replaces the row instead of adding a second.
     */
    @Test
    void anInsertWithANullKeyPartReplacesTheRemoteRow() throws Exception {
        openBoth("CREATE TABLE " + q + " (a TEXT, b TEXT, v TEXT, PRIMARY KEY (a, b))");
        jsClient.execLocal("INSERT INTO " + q + " VALUES ('k', NULL, 'js')");
        jsClient.push();
        javaExecute("INSERT INTO " + q + " VALUES ('k', NULL, 'java')");

        javaClient.push().block(WAIT);
        syncBoth();

        assertBoth(rows("a || coalesce(b, '-') || v AS r"), List.of(List.of("k-java")));
    }

    /** promise.test.ts {@code select-after-push} and {@code select-without-push}. */
    @Test
    void onlyPushedRowsReachThePeer() throws Exception {
        openBoth("CREATE TABLE " + q + " (x)");
        javaExecute("INSERT INTO " + q + " VALUES (1), (2), (3)");
        jsClient.pull();
        assertThat(jsClient.query("SELECT 'n' || count(*) AS n FROM " + q)).isEqualTo(List.of(List.of("n0")));

        javaClient.push().block(WAIT);
        jsClient.pull();

        assertBoth(rows("'v' || x AS r"), List.of(List.of("v1"), List.of("v2"), List.of("v3")));
    }

    /** promise.test.ts {@code update}: an upsert of an already pushed row pushes as an update. */
    @Test
    void anUpsertOfAPushedRowReachesThePeer() throws Exception {
        openBoth("CREATE TABLE " + q + " (x TEXT PRIMARY KEY, y)");
        javaExecute("INSERT INTO " + q + " VALUES ('1', '2')");
        javaClient.push().block(WAIT);
        javaExecute("INSERT INTO " + q + " VALUES ('1', '2') ON CONFLICT DO UPDATE SET y = '3'");

        javaClient.push().block(WAIT);
        jsClient.pull();

        assertBoth(rows("x || y AS r"), List.of(List.of("13")));
    }

    /**
     * promise.test.ts {@code corruption-bug-1}: a hundred upserts growing one row's blob, pull, push, twice; both
     * replicas end with the same row and an intact database.
     */
    @Test
    void repeatedUpsertsOfOneRowSurvivePullAndPush() throws Exception {
        openBoth("CREATE TABLE " + q + " (x TEXT PRIMARY KEY, y)");
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 100; i++) {
                javaExecute("INSERT INTO " + q + " VALUES ('1', 0) ON CONFLICT DO UPDATE SET y = randomblob(1024)");
            }
            javaClient.pullChanges().blockLast(WAIT);
            javaClient.push().block(WAIT);
        }
        jsClient.pull();

        List<List<Object>> javaRow = javaQuery("SELECT x || hex(y) AS r FROM " + q);
        assertThat(javaRow.get(0).get(0).toString()).hasSize(1 + 2048);
        assertThat(jsClient.query("SELECT x || hex(y) AS r FROM " + q)).isEqualTo(javaRow);
        assertThat(javaQuery("PRAGMA integrity_check")).isEqualTo(List.of(List.of("ok")));
    }

    /**
     * promise.test.ts {@code persistence-pull-push}: both replicas insert different keys, both push, both pull; both
     * hold all rows and the Java replica's revision moved.
     */
    @Test
    void bothPushThenBothPullHoldsEveryRow() throws Exception {
        openBoth("CREATE TABLE " + q + " (x TEXT PRIMARY KEY, y)");
        javaExecute("INSERT INTO " + q + " VALUES ('k1', 'v1')", "INSERT INTO " + q + " VALUES ('k2', 'v2')");
        String revision = javaClient.stats().block(WAIT).revision();
        jsClient.execLocal("INSERT INTO " + q + " VALUES ('k3', 'v3')");
        jsClient.execLocal("INSERT INTO " + q + " VALUES ('k4', 'v4')");

        javaClient.push().block(WAIT);
        jsClient.push();
        syncBoth();

        assertThat(javaClient.stats().block(WAIT).revision()).isNotEqualTo(revision);
        assertBoth(rows("x || y AS r"), List.of(List.of("k1v1"), List.of("k2v2"), List.of("k3v3"),
                List.of("k4v4")));
    }

    /**
     * promise.test.ts {@code transform}: the Java replica's hook rewrites a counter update into an increment, so it
     * adds to the value the JS replica pushed first instead of overwriting it (the JS peer here pushes its plain
     * update; the upstream test gives both clients the hook).
     */
    @Test
    void aTransformHookTurnsAnUpdateIntoAnIncrement() throws Exception {
        openBoth("CREATE TABLE " + q + " (key TEXT PRIMARY KEY, value INTEGER)", mutation -> mutation.before()
                .isEmpty() ? MutationResult.keep() : MutationResult.rewrite("UPDATE " + q
                + " SET value = value + ? WHERE key = ?", ((Number) mutation.after().get("value")).longValue()
                - ((Number) mutation.before().get("value")).longValue(), mutation.after().get("key")));
        javaExecute("INSERT INTO " + q + " VALUES ('1', 0)");
        javaClient.push().block(WAIT);
        jsClient.pull();
        jsClient.execLocal("UPDATE " + q + " SET value = value + 1 WHERE key = '1'");
        javaExecute("UPDATE " + q + " SET value = value + 1 WHERE key = '1'");

        jsClient.push();
        javaClient.push().block(WAIT);
        syncBoth();

        assertBoth(rows("key || ':' || value AS r"), List.of(List.of("1:2")));
    }

    private void javaExecute(String... statements) {
        JavaSql.execute(javaClient, statements);
    }

    private List<List<Object>> javaQuery(String sql) {
        return JavaSql.query(javaClient, sql);
    }
}
