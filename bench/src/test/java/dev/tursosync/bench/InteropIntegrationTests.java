package dev.tursosync.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tursosync.SyncClient;
import dev.tursosync.testing.LocalSyncServer;
import dev.tursosync.testing.TursoServerExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interop with the official JS client ({@code @tursodatabase/sync}, run by {@code js/driver.mjs}) through one real
 * server, both ways: row changes of every value type, upserts, primary-key changes and DDL. Values are compared
 * as SQLite's own {@code quote()} text on both sides, so integers beyond 2^53, float bits, unicode and blobs are
 * compared exactly.
 */
@ExtendWith(TursoServerExtension.class)
final class InteropIntegrationTests {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Path JS = Path.of("js").toAbsolutePath();

    private final LocalSyncServer server;
    @TempDir
    Path dir;
    private JsDriver js;
    private SyncClient java;
    private JsDriver.JsReplica jsClient;

    InteropIntegrationTests(LocalSyncServer server) {
        this.server = server;
    }

    @BeforeEach
    void openBoth() throws Exception {
        Path log = Files.createDirectories(dir.resolve("logs")).resolve("js-driver.log");
        JsDriverInstall.ensureInstalled(JS, log);
        js = JsDriver.start(JS, log);
        java = SyncClient.builder().path(dir.resolve("java.db")).url(server.url()).clientName("java").build();
        java.open().block(WAIT);
        jsClient = (JsDriver.JsReplica) js.open(server.url(), dir.resolve("js.db"));
    }

    @AfterEach
    void closeBoth() {
        if (java != null) {
            java.close().block(WAIT);
        }
        if (js != null) {
            js.close();
        }
    }

    @Test
    void javaChangesReachTheJsClient() {
        String t = unique("jt");
        String kv = unique("jkv");
        List<String> changes = new ArrayList<>(everyKindOfChange(t, kv));
        changes.add("DROP TABLE " + t + "_gone");
        javaExecute(changes.toArray(String[]::new));

        java.push().block(WAIT);
        jsClient.pull();

        assertSameRows(t, kv);
        assertThat(javaQuery(rowsOf(kv))).containsExactly(List.of("'z'", "'one'"));
        assertThat(javaQuery(schemaOf(t))).containsExactly(List.of("table", t), List.of("index", t + "_s"));
        assertThat(jsClient.query(schemaOf(t))).isEqualTo(javaQuery(schemaOf(t)));
    }

    @Test
    void jsChangesReachTheJavaClient() {
        String t = unique("st");
        String kv = unique("skv");
        for (String sql : everyKindOfChange(t, kv)) {
            jsClient.execLocal(sql);
        }
        // The official client cannot push rows of a table dropped before the push (it builds their INSERT from the
        // local table's columns, which are gone: "near ")": syntax error"), so the drop goes in a second push.
        jsClient.push();
        jsClient.execLocal("DROP TABLE " + t + "_gone");
        jsClient.push();
        jsClient.pull();
        java.pullChanges().blockLast(WAIT);

        assertSameRows(t, kv);
        assertThat(javaQuery(rowsOf(t))).hasSize(3);
        assertThat(javaQuery(schemaOf(t))).containsExactly(List.of("table", t), List.of("index", t + "_s"));
        assertThat(javaQuery("SELECT count(*) > 0 FROM turso_sync_last_change_id WHERE client_id LIKE 'bench-js%'"))
                .containsExactly(List.of(1L));
    }

    @Test
    void bothClientsShareTheBookkeepingTableAndConverge() {
        String t = unique("both");
        javaExecute("CREATE TABLE " + t + " (id INTEGER PRIMARY KEY, v TEXT)",
                "INSERT INTO " + t + " VALUES (1, 'java')");
        java.push().block(WAIT);
        jsClient.pull();
        jsClient.execLocal("INSERT INTO " + t + " VALUES (2, 'js')");
        jsClient.execLocal("UPDATE " + t + " SET v = 'java, then js' WHERE id = 1");
        jsClient.push();
        java.pullChanges().blockLast(WAIT);
        javaExecute("UPDATE " + t + " SET v = 'js, then java' WHERE id = 2");
        java.sync().block(WAIT);
        jsClient.pull();

        assertSameRows(t);
        assertThat(javaQuery(rowsOf(t))).containsExactly(List.of("1", "'java, then js'"),
                List.of("2", "'js, then java'"));
        assertThat(javaQuery("SELECT count(*) FROM turso_sync_last_change_id WHERE client_id = '" + java.clientId()
                + "'")).containsExactly(List.of(1L));
        assertThat(javaQuery("SELECT count(*) > 0 FROM turso_sync_last_change_id WHERE client_id LIKE 'bench-js%'"))
                .containsExactly(List.of(1L));
    }

    /** Inserts of every value type, an update, a delete, an upsert, a key change, DDL, and a table to drop. */
    private static List<String> everyKindOfChange(String t, String kv) {
        return List.of(
                "CREATE TABLE " + t + " (id INTEGER PRIMARY KEY, i INTEGER, r REAL, s TEXT, b BLOB, n)",
                "INSERT INTO " + t + " VALUES (1, 9007199254740993, 0.1, 'hé😀 \"q''', x'00ff10', NULL)",
                "INSERT INTO " + t + " VALUES (2, -9223372036854775808, -1.5e300, '', x'', 7)",
                "INSERT INTO " + t + " VALUES (3, 1, 2.5, 'three', NULL, 'x')",
                "UPDATE " + t + " SET s = 'two', r = 3.25 WHERE id = 2",
                "DELETE FROM " + t + " WHERE id = 3",
                "INSERT INTO " + t + " VALUES (1, 5, 0.5, 'upserted', x'01', NULL)"
                        + " ON CONFLICT(id) DO UPDATE SET i = excluded.i, s = excluded.s",
                "CREATE TABLE " + kv + " (k TEXT PRIMARY KEY, v TEXT)",
                "INSERT INTO " + kv + " VALUES ('x', 'one')",
                "UPDATE " + kv + " SET k = 'z' WHERE k = 'x'",
                "ALTER TABLE " + t + " ADD COLUMN extra INTEGER DEFAULT 7",
                "INSERT INTO " + t + " VALUES (4, 4, 4.0, 'four', NULL, NULL, 44)",
                "CREATE INDEX " + t + "_s ON " + t + " (s)",
                "CREATE TABLE " + t + "_gone (id INTEGER PRIMARY KEY)",
                "INSERT INTO " + t + "_gone VALUES (1)");
    }

    private void assertSameRows(String... tables) {
        for (String table : tables) {
            assertThat(jsClient.query(rowsOf(table))).as(table).isEqualTo(javaQuery(rowsOf(table)));
        }
    }

    /** Every column of a table as quote() text, in rowid order. */
    private String rowsOf(String table) {
        List<List<Object>> columns = javaQuery("SELECT name FROM pragma_table_info('" + table + "') ORDER BY cid");
        List<String> quoted = new ArrayList<>();
        for (List<Object> column : columns) {
            quoted.add("quote(\"" + column.get(0) + "\") AS c" + quoted.size());
        }
        return "SELECT " + String.join(", ", quoted) + " FROM " + table + " ORDER BY rowid";
    }

    private static String schemaOf(String prefix) {
        return "SELECT type, name FROM sqlite_schema WHERE name LIKE '" + prefix + "%' ORDER BY type DESC, name";
    }

    private static String unique(String prefix) {
        return prefix + "_" + Long.toHexString(System.nanoTime());
    }

    /** Runs statements through the Java client's connections, telling capture about each, as a statement layer. */
    private void javaExecute(String... statements) {
        JavaSql.execute(java, statements);
    }

    private List<List<Object>> javaQuery(String sql) {
        return JavaSql.query(java, sql);
    }
}
