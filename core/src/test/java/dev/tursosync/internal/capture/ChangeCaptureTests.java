package dev.tursosync.internal.capture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tursosync.internal.db.ConnectionManager;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChangeCaptureTests {

    /** The blob check of earlier versions, which wrote the images already in existing logs. */
    private static final String TYPEOF_CHECK = "iif(typeof(%1$s) = 'blob', json_object('$b', hex(%1$s)), %1$s)";
    private static final List<String> DECLARED = List.of("TEXT", "TEXT COLLATE NOCASE", "INTEGER", "REAL",
            "NUMERIC", "BLOB", "ANY", "");
    private static final List<Object> VALUES = Arrays.asList(null, 0L, -1L, Long.MAX_VALUE, Long.MIN_VALUE, 1.5,
            -0.0, 1e308, 0.1 + 0.2, "", "text", "12", "1.5", "with \"quotes\" and \\", "hé😀", new byte[0],
            new byte[] {0}, new byte[] {0, (byte) 255, 65}, "x".getBytes(java.nio.charset.StandardCharsets.UTF_8));

    @TempDir
    Path folder;
    private ConnectionManager manager;

    @BeforeEach
    void open() {
        manager = CapturedDatabase.open(folder.resolve("app.db"), 2);
    }

    @AfterEach
    void close() {
        manager.close().block();
    }

    private void run(String... statements) {
        CapturedDatabase.run(manager, statements);
    }

    private List<CapturedChange> log() {
        return manager.withConnection(connection -> ChangeLog.readAfter(connection, 0, Integer.MAX_VALUE)).block();
    }

    @Test
    void capturesDdlAndRowChangesInOrder() {
        run("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT, b BLOB, r REAL)",
                "INSERT INTO t VALUES (1, 'a''b', x'00ff', 1.5)",
                "UPDATE t SET v = 'c' WHERE id = 1",
                "DELETE FROM t WHERE id = 1");
        List<CapturedChange> changes = log();
        assertThat(changes).extracting(CapturedChange::operation).containsExactly(CapturedChange.Operation.SCHEMA,
                CapturedChange.Operation.INSERT, CapturedChange.Operation.UPDATE, CapturedChange.Operation.DELETE);
        assertThat(changes.get(0).sql()).isEqualTo(
                "CREATE TABLE IF NOT EXISTS t(id INTEGER PRIMARY KEY, v TEXT, b BLOB, r REAL)");
        Map<String, Object> inserted = changes.get(1).after();
        assertThat(inserted.keySet()).containsExactly("id", "v", "b", "r");
        assertThat(inserted.get("id")).isEqualTo(1L);
        assertThat(inserted.get("v")).isEqualTo("a'b");
        assertThat((byte[]) inserted.get("b")).containsExactly(0, 255);
        assertThat(inserted.get("r")).isEqualTo(1.5);
        assertThat(changes.get(2).before().get("v")).isEqualTo("a'b");
        assertThat(changes.get(2).after().get("v")).isEqualTo("c");
        assertThat(changes.get(3).before().get("v")).isEqualTo("c");
        assertThat(changes.get(3).after()).isNull();
    }

    @Test
    void aReopenedDatabaseNumbersItsTransactionsAfterTheLoggedOnes() {
        run("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)", "INSERT INTO t VALUES (1, 'a')",
                "INSERT INTO t VALUES (2, 'b')");
        long lastBefore = log().get(log().size() - 1).transaction();
        manager.close().block();
        manager = CapturedDatabase.open(folder.resolve("app.db"), 2);

        run("INSERT INTO t VALUES (3, 'c')");
        List<CapturedChange> changes = log();
        assertThat(changes).hasSize(4);
        assertThat(changes.get(3).transaction()).isGreaterThan(lastBefore);
        assertThat(manager.withConnection(ChangeLog::lastTransaction).block())
                .isEqualTo(changes.get(3).transaction());
    }

    @Test
    void aDamagedRowImageIsATypedError() {
        for (String damaged : new String[] {"[1]", "{\"a\": [1]}", "{\"a\": {\"$b\": \"zz\"}}", "{\"a\""}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> RowImages.parse(damaged))
                    .as(damaged).isInstanceOf(dev.tursosync.ChangeLogCorruptException.class);
        }
    }

    /**
     * Capture installed as a connection opens commits without forcing the WAL ({@code synchronous = NORMAL}); the
     * connection goes back to forcing every commit ({@code FULL}, 2) before the application gets it.
     */
    @Test
    void aConnectionThatInstalledCaptureForcesTheApplicationsCommits() throws SQLException {
        try (Connection plain = java.sql.DriverManager.getConnection("jdbc:sqlite:" + folder.resolve("app.db"));
             Statement statement = plain.createStatement()) {
            statement.execute("PRAGMA journal_mode = WAL");
            statement.execute("CREATE TABLE t(id INTEGER PRIMARY KEY)");
        }
        Map<String, Object> seen = manager.withConnection(connection -> {
            try (Statement statement = connection.createStatement();
                 java.sql.ResultSet synchronous = statement.executeQuery("PRAGMA synchronous")) {
                synchronous.next();
                return Map.<String, Object>of("synchronous", synchronous.getInt(1), "log",
                        ChangeLog.exists(connection));
            }
        }).block();
        assertThat(seen).containsEntry("log", true).containsEntry("synchronous", 2);
        run("INSERT INTO t VALUES (1)");
        assertThat(log()).extracting(CapturedChange::operation).containsExactly(CapturedChange.Operation.INSERT);
    }

    @Test
    void captureKeepsWorkingWhenConnectionsAreClosedAndReopened() {
        for (int i = 0; i < 3; i++) {
            run("CREATE TABLE IF NOT EXISTS t(id INTEGER PRIMARY KEY)");
            manager.exclusive(() -> true).block();
        }
        run("INSERT INTO t VALUES (1)");
        assertThat(log()).extracting(CapturedChange::operation).containsExactly(CapturedChange.Operation.SCHEMA,
                CapturedChange.Operation.INSERT);
    }

    @Test
    void everyImageIsTheOneTheTypeofCheckWroteForEveryDeclaredTypeAndValue() {
        List<String> columns = new ArrayList<>();
        for (int i = 0; i < DECLARED.size(); i++) {
            columns.add("c" + i + " " + DECLARED.get(i));
        }
        CapturedDatabase.run(manager, "CREATE TABLE t(id INTEGER PRIMARY KEY, " + String.join(", ", columns) + ")");
        String placeholders = String.join(", ", java.util.Collections.nCopies(DECLARED.size(), "?"));
        String typeofImage = "json_object('id', t.id, " + String.join(", ", java.util.stream.IntStream
                .range(0, DECLARED.size()).mapToObj(i -> "'c" + i + "', " + TYPEOF_CHECK.formatted("c" + i))
                .toList()) + ")";
        List<List<String>> images = manager.withConnection(connection -> {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO t VALUES (NULL, "
                    + placeholders + ")")) {
                for (Object value : VALUES) {
                    for (int i = 1; i <= DECLARED.size(); i++) {
                        insert.setObject(i, value);
                    }
                    insert.executeUpdate();
                }
            }
            List<List<String>> pairs = new ArrayList<>();
            try (Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT l.new, " + typeofImage + " FROM "
                         + CaptureNames.LOG + " AS l JOIN t ON t.id = l.rid ORDER BY l.id")) {
                while (rows.next()) {
                    pairs.add(List.of(rows.getString(1), rows.getString(2)));
                }
            }
            return pairs;
        }).block();

        assertThat(images).hasSize(VALUES.size());
        assertThat(images).allSatisfy(pair -> assertThat(pair.get(0)).isEqualTo(pair.get(1)));
        assertThat(images.get(VALUES.size() - 1).get(0)).as("a blob in a TEXT column").contains("{\"$b\":\"78\"}");
    }

    @Test
    void aStrictTableLogsTheImagesOfTheTypeofCheckWithoutCheckingTheTypedColumnsOfTheRowItWrote() {
        List<String> strict = List.of("i INT", "n INTEGER", "r REAL", "t text", "b BLOB", "a ANY");
        List<String> names = strict.stream().map(column -> column.substring(0, 1)).toList();
        run("CREATE TABLE s(id INTEGER PRIMARY KEY, " + String.join(", ", strict) + ") STRICT");
        String typeofImage = "json_object('id', s.id, " + String.join(", ", names.stream()
                .map(name -> "'" + name + "', " + TYPEOF_CHECK.formatted("s." + name)).toList()) + ")";
        List<String> refusedBlobs = new ArrayList<>();
        manager.withConnection(connection -> {
            for (String name : names) {
                for (Object value : VALUES) {
                    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO s(" + name
                            + ") VALUES (?)")) {
                        insert.setObject(1, value);
                        insert.executeUpdate();
                    } catch (SQLException refused) {
                        if (value instanceof byte[]) {
                            refusedBlobs.add(name);
                        }
                    }
                }
            }
            return true;
        }).block();
        run("UPDATE s SET id = id", "DELETE FROM s WHERE id % 2 = 0");

        assertThat(refusedBlobs).as("SQLite keeps blobs out of typed columns").hasSize(4 * 4)
                .containsOnly("i", "n", "r", "t");
        String insertTrigger = triggerSql("tursosync_insert_s");
        String updateTrigger = triggerSql("tursosync_update_s");
        for (String name : names) {
            boolean mayHoldBlob = name.equals("b") || name.equals("a");
            assertThat(insertTrigger.contains("new.\"" + name + "\" >= x''")).as(name).isEqualTo(mayHoldBlob);
            assertThat(updateTrigger.contains("new.\"" + name + "\" >= x''")).as(name).isEqualTo(mayHoldBlob);
            assertThat(updateTrigger).as("the row read back keeps the check").contains("old.\"" + name + "\" >= x''");
            assertThat(triggerSql("tursosync_delete_s")).contains("old.\"" + name + "\" >= x''");
        }
        List<List<String>> images = manager.withConnection(connection -> {
            List<List<String>> pairs = new ArrayList<>();
            try (Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT l.op, l.old, l.new, i.new, "
                         + "(SELECT " + typeofImage + " FROM s WHERE s.id = l.rid) FROM " + CaptureNames.LOG
                         + " AS l JOIN " + CaptureNames.LOG + " AS i ON i.rid = l.rid AND i.op = 1"
                         + " WHERE l.tbl = 's' ORDER BY l.id")) {
                while (rows.next()) {
                    pairs.add(Arrays.asList(rows.getString(1), rows.getString(2), rows.getString(3),
                            rows.getString(4), rows.getString(5)));
                }
            }
            return pairs;
        }).block();

        long rows = images.stream().filter(image -> image.get(0).equals("1")).count();
        assertThat(rows).isGreaterThan(VALUES.size() * 3L);
        assertThat(images).filteredOn(image -> image.get(0).equals("1")).hasSize((int) rows)
                .allSatisfy(image -> assertThat(image.get(2)).isNotNull());
        for (List<String> image : images) {
            String current = image.get(4);
            switch (image.get(0)) {
                case "1" -> assertThat(image.get(2)).isEqualTo(current == null ? image.get(3) : current);
                case "0" -> assertThat(List.of(image.get(1), image.get(2))).as("update of an unchanged row")
                        .containsOnly(image.get(3));
                default -> assertThat(image.get(1)).as("delete").isEqualTo(image.get(3));
            }
        }
        assertThat(images).filteredOn(image -> image.get(0).equals("1") && image.get(4) != null)
                .allSatisfy(image -> assertThat(image.get(2)).isEqualTo(image.get(4)));
        assertThat(images).extracting(image -> image.get(0)).contains("0", "-1");
        assertThat(images).filteredOn(image -> image.get(0).equals("1")).extracting(image -> image.get(2))
                .anySatisfy(image -> assertThat(image).contains("\"b\":{\"$b\":\"00FF41\"}"))
                .anySatisfy(image -> assertThat(image).contains("\"a\":{\"$b\":\"\"}"))
                .anySatisfy(image -> assertThat(image).contains("\"t\":\"with \\\"quotes\\\" and \\\\\""));
    }

    private String triggerSql(String name) {
        return manager.withConnection(connection -> {
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND name = ?")) {
                query.setString(1, name);
                try (ResultSet row = query.executeQuery()) {
                    row.next();
                    return row.getString(1);
                }
            }
        }).block();
    }

    @Test
    void blobsInColumnsOfEveryDeclaredTypeComeBackAsBytesAndTextAsText() {
        CapturedDatabase.run(manager, "CREATE TABLE t(id INTEGER PRIMARY KEY, a TEXT, b INTEGER, c)");
        byte[] blob = {0, 1, (byte) 255};
        manager.withConnection(connection -> {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO t VALUES (?, ?, ?, ?)")) {
                insert.setLong(1, 1);
                insert.setBytes(2, blob);
                insert.setBytes(3, new byte[0]);
                insert.setString(4, "{\"$b\":\"00\"}");
                insert.executeUpdate();
            }
            return true;
        }).block();

        Map<String, Object> after = manager.withConnection(connection -> ChangeLog.readAfter(connection, 0, 10))
                .block().stream().filter(change -> change.operation() == CapturedChange.Operation.INSERT)
                .findFirst().orElseThrow().after();

        assertThat((byte[]) after.get("a")).containsExactly(blob);
        assertThat((byte[]) after.get("b")).isEmpty();
        assertThat(after.get("c")).as("text that looks like a blob stays text").isEqualTo("{\"$b\":\"00\"}");
        assertThat(after.get("id")).isEqualTo(1L);
    }

    @Test
    void onlyTheColumnThatIsTheRowIdGoesWithoutTheBlobCheck() {
        Map<String, Boolean> idChecked = new java.util.LinkedHashMap<>();
        idChecked.put("a(id INTEGER PRIMARY KEY, v)", false);
        idChecked.put("b(id integer, v, PRIMARY KEY(id DESC))", false);
        idChecked.put("c(id INTEGER PRIMARY KEY DESC, v)", true);
        idChecked.put("d(id INT PRIMARY KEY, v)", true);
        idChecked.put("e(id INTEGER PRIMARY KEY, v) WITHOUT ROWID", true);
        idChecked.put("f(id INTEGER, v INTEGER, PRIMARY KEY(id, v))", true);
        idChecked.put("g(id INTEGER UNIQUE, v)", true);
        for (Map.Entry<String, Boolean> table : idChecked.entrySet()) {
            run("CREATE TABLE " + table.getKey());
            String name = table.getKey().substring(0, 1);
            String trigger = manager.withConnection(connection -> {
                try (Statement statement = connection.createStatement();
                     ResultSet row = statement.executeQuery("SELECT sql FROM sqlite_schema WHERE type = 'trigger'"
                             + " AND name = 'tursosync_insert_" + name + "'")) {
                    row.next();
                    return row.getString(1);
                }
            }).block();
            assertThat(trigger).as(table.getKey()).contains("new.\"v\" >= x''");
            assertThat(trigger.contains("new.\"id\" >= x''")).as(table.getKey()).isEqualTo(table.getValue());
        }
        run("INSERT INTO c VALUES (x'01', 1)", "INSERT INTO a VALUES (7, x'02')");
        assertThat(log().stream().filter(change -> change.operation() == CapturedChange.Operation.INSERT)
                .map(change -> change.after().get("id")).toList().get(0)).isEqualTo(new byte[] {1});
        assertThat(log().get(log().size() - 1).after()).containsEntry("id", 7L);
    }
}
