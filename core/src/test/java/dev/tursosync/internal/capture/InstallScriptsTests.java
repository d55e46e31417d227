package dev.tursosync.internal.capture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tursosync.client.ResultRows;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Capture installed from the script planned for an earlier database of the same schema (as after every pull over
 * nothing pending) is the install planned anew, and a database of another schema gets its own.
 */
class InstallScriptsTests {

    private static final String[] SCHEMA = {
        "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT, b BLOB)",
        "CREATE INDEX t_v ON t(v)",
        "CREATE TABLE k(a TEXT PRIMARY KEY, n INTEGER) WITHOUT ROWID",
        "CREATE TABLE \"it's\"(id INTEGER PRIMARY KEY DESC, \"x;y\" TEXT DEFAULT 'a;b')",
        "CREATE VIEW tv AS SELECT v FROM t"};

    @TempDir
    Path folder;

    @Test
    void aScriptPlannedForTheSameSchemaGivesTheSchemaAndSnapshotAFreshPlanGives() throws SQLException {
        ChangeCapture reused = new ChangeCapture();
        List<List<Object>> first;
        List<List<Object>> again;
        List<List<Object>> fresh;
        try (Connection one = database("one.db", SCHEMA)) {
            reused.initialize(one);
            first = rows(one, "SELECT type, name, tbl_name, rootpage, sql FROM sqlite_schema");
        }
        try (Connection two = database("two.db", SCHEMA)) {
            reused.initialize(two);
            again = rows(two, "SELECT type, name, tbl_name, rootpage, sql FROM sqlite_schema");
            assertThat(rows(two, "SELECT * FROM " + CaptureNames.SCHEMA + " ORDER BY seq"))
                    .isEqualTo(snapshotOf("one.db"));
        }
        try (Connection three = database("three.db", SCHEMA)) {
            new ChangeCapture().initialize(three);
            fresh = rows(three, "SELECT type, name, tbl_name, rootpage, sql FROM sqlite_schema");
        }
        assertThat(first.stream().map(row -> row.get(1))).contains("tursosync_changes", "tursosync_schema",
                "tursosync_insert_t", "tursosync_update_k", "tursosync_delete_it's");
        assertThat(again).isEqualTo(first).isEqualTo(fresh);
        assertThat(bytesOf("two.db")).isEqualTo(bytesOf("three.db"));
    }

    @Test
    void aDatabaseWithAnotherSchemaGetsTriggersForItsOwnTablesAndColumns() throws SQLException {
        ChangeCapture capture = new ChangeCapture();
        try (Connection before = database("before.db", "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)")) {
            capture.initialize(before);
        }
        // what a pull of a remote ALTER TABLE and CREATE TABLE brings: the same table with one more column, and a
        // new one
        try (Connection after = database("after.db", "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT, w TEXT)",
                "CREATE TABLE u(id INTEGER PRIMARY KEY, n INTEGER)")) {
            capture.initialize(after);
            try (Statement statement = after.createStatement()) {
                statement.execute("INSERT INTO t VALUES (1, 'a', 'b')");
                statement.execute("INSERT INTO u VALUES (2, 3)");
            }
            assertThat(rows(after, "SELECT tbl, new FROM " + CaptureNames.LOG + " ORDER BY id")).containsExactly(
                    List.of("t", "{\"id\":1,\"v\":\"a\",\"w\":\"b\"}"), List.of("u", "{\"id\":2,\"n\":3}"));
        }
    }

    @Test
    void aTableThatChangedOnlyInItsKeyGetsTheImagesOfItsNewShape() throws SQLException {
        ChangeCapture capture = new ChangeCapture();
        try (Connection before = database("before.db", "CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB)")) {
            capture.initialize(before);
        }
        // same names and columns, but the key is an ordinary column now: the row id is logged apart from it
        try (Connection after = database("after.db", "CREATE TABLE t(id TEXT PRIMARY KEY, v BLOB)")) {
            capture.initialize(after);
            try (Statement statement = after.createStatement()) {
                statement.execute("INSERT INTO t VALUES (x'01', x'02')");
            }
            assertThat(rows(after, "SELECT rid, new FROM " + CaptureNames.LOG)).containsExactly(
                    List.of(1L, "{\"id\":{\"$b\":\"01\"},\"v\":{\"$b\":\"02\"}}"));
        }
    }

    private Connection database(String name, String... statements) throws SQLException {
        Connection connection = DriverManager.getConnection("jdbc:sqlite:" + folder.resolve(name));
        try (Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA journal_mode = WAL");
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
        return connection;
    }

    private List<List<Object>> snapshotOf(String name) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + folder.resolve(name))) {
            return rows(connection, "SELECT * FROM " + CaptureNames.SCHEMA + " ORDER BY seq");
        }
    }

    private byte[] bytesOf(String name) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + folder.resolve(name));
             Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        }
        try {
            return Files.readAllBytes(folder.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<List<Object>> rows(Connection connection, String query) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(query)) {
            return ResultRows.read(rows);
        }
    }
}
