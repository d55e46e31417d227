package dev.tursosync.internal.rebase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tursosync.MutationResult;
import dev.tursosync.ReplayFailedException;
import dev.tursosync.internal.capture.CaptureNames;
import dev.tursosync.internal.capture.CapturedChange;
import dev.tursosync.internal.capture.CapturedChange.Operation;
import dev.tursosync.internal.capture.CarriedPositions;
import dev.tursosync.internal.capture.ChangeCapture;
import dev.tursosync.internal.capture.ChangeLog;
import dev.tursosync.internal.db.ReplicaConnections;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replay builds each statement text once per shape and prepares it once: a change must still get the statement
 * of its own columns and {@code NULL}s when changes of one table differ in those, before and after a schema change,
 * and a change to a table the pulled state no longer has fails as it always did.
 */
class LocalReplayTests {

    @TempDir
    Path folder;
    private Path database;
    private long nextId = 1;

    @BeforeEach
    void pulledState() throws SQLException {
        database = folder.resolve("pulled.db");
        try (Connection connection = ReplicaConnections.open(database, ReplicaConnections.Role.CLIENT)) {
            execute(connection, "CREATE TABLE t(id INTEGER PRIMARY KEY, a TEXT, b TEXT)");
            execute(connection, "INSERT INTO t VALUES (1, 'remote', 'remote')");
            execute(connection, "CREATE TABLE u(a INTEGER, b TEXT)");
            execute(connection, "INSERT INTO u VALUES (1, NULL), (2, 'x'), (3, NULL), (4, 'y')");
        }
    }

    @Test
    void changesOfOneTableWithDifferentColumnsEachGetTheirOwnStatement() throws SQLException {
        replay(List.of(
                insert("t", row("id", 2L, "a", "a2")),
                insert("t", row("id", 3L, "a", "a3", "b", "b3")),
                insert("t", row("id", 4L, "a", "a4")),
                update("t", row("id", 3L, "a", "a3", "b", "b3"), row("id", 3L, "a", "a3", "b", "B3")),
                update("t", row("id", 2L, "a", "a2"), row("id", 2L, "a", "A2")),
                insert("t", row("id", 1L, "b", "local"))));

        assertThat(rows("SELECT id, a, b FROM t ORDER BY id")).containsExactly(
                "1|remote|local", "2|A2|null", "3|a3|B3", "4|a4|null");
    }

    @Test
    void identityValuesThatAreNullOrNotEachGetTheirOwnPredicate() throws SQLException {
        // a value first, then NULL: "b" = ? would match no row with NULL
        replay(List.of(
                delete("u", row("a", 2L, "b", "x")),
                delete("u", row("a", 1L, "b", null)),
                update("u", row("a", 4L, "b", "y"), row("a", 4L, "b", null)),
                update("u", row("a", 3L, "b", null), row("a", 3L, "b", "z"))));

        assertThat(rows("SELECT a, b FROM u ORDER BY a")).containsExactly("3|z", "4|null");
    }

    @Test
    void aSchemaChangeBetweenTwoChangesOfATableGivesTheSecondTheNewColumns() throws SQLException {
        replay(List.of(
                insert("t", row("id", 2L, "a", "a2", "b", "b2")),
                schema("t", "ALTER TABLE t ADD COLUMN c TEXT"),
                insert("t", row("id", 3L, "a", "a3", "b", "b3", "c", "c3")),
                update("t", row("id", 2L, "a", "a2", "b", "b2", "c", null), row("id", 2L, "a", "a2", "b", "b2",
                        "c", "c2"))));

        assertThat(rows("SELECT id, a, b, c FROM t ORDER BY id")).containsExactly(
                "1|remote|remote|null", "2|a2|b2|c2", "3|a3|b3|c3");
    }

    @Test
    void aKeptInsertOfAKeyThePulledStateHasIsLoggedAsAnInsertAndTheUpdateAfterItAsAnUpdate() throws SQLException {
        List<CapturedChange> log = replay(List.of(
                insert("t", row("id", 1L, "a", "local", "b", "local")),
                insert("t", row("id", 2L, "a", "a2", "b", "b2")),
                update("t", row("id", 1L, "a", "local", "b", "local"), row("id", 1L, "a", "later", "b", "local")),
                insert("t", row("id", 1L, "a", "again", "b", "local"))));

        List<CapturedChange> rows = log.stream().filter(change -> change.operation() != Operation.SCHEMA).toList();
        assertThat(rows).extracting(CapturedChange::operation).containsExactly(Operation.INSERT, Operation.INSERT,
                Operation.UPDATE, Operation.INSERT);
        assertThat(rows).extracting(change -> change.before() == null).containsExactly(true, true, false, true);
        assertThat(rows("SELECT id, a FROM t ORDER BY id")).containsExactly("1|again", "2|a2");
    }

    @Test
    void aChangeToATableThePulledStateDroppedFailsNamingTheChange() throws SQLException {
        try (Connection connection = ReplicaConnections.open(database, ReplicaConnections.Role.CLIENT)) {
            execute(connection, "DROP TABLE u");
        }
        CapturedChange gone = insert("u", row("a", 5L, "b", "v"));

        assertThatThrownBy(() -> replay(List.of(insert("t", row("id", 2L, "a", "a2")), gone)))
                .isInstanceOfSatisfying(ReplayFailedException.class, e -> assertThat(e.getMessage())
                        .contains("local change " + gone.id() + " (INSERT on \"u\")").contains("no such table"));
        assertThat(rows("SELECT id FROM t ORDER BY id")).as("the failed transaction was rolled back")
                .containsExactly("1");
    }

    /**
     * The replay's connection goes to the pool once it committed, and capture checks it again when it is next
     * prepared unless the schema is the one capture saw when it installed itself in the replay: so nothing of the
     * replay may change the schema after that, the carried positions' table included (created before).
     */
    @Test
    void theReplayChangesNoSchemaAfterCaptureIsInstalled() throws SQLException {
        List<Long> versionsDuringTheReplay = new ArrayList<>();
        try (Connection connection = ReplicaConnections.open(database, ReplicaConnections.Role.CLIENT)) {
            connection.setAutoCommit(false);
            new LocalReplay(new ChangeCapture(), mutation -> {
                versionsDuringTheReplay.add(schemaVersion(connection));
                return MutationResult.keep();
            }).replay(connection, "client", 1, "revision", List.of(insert("t", row("id", 2L, "a", "a2")),
                    update("t", row("id", 1L, "a", "remote"), row("id", 1L, "a", "local"))), CarriedPositions.NONE);
            connection.commit();
            connection.setAutoCommit(true);

            assertThat(rows("SELECT count(*) FROM " + CaptureNames.CARRIED))
                    .as("the carried positions were written").containsExactly("2");
            assertThat(versionsDuringTheReplay).hasSize(2).containsOnly(schemaVersion(connection));
        }
    }

    private static long schemaVersion(Connection connection) {
        try (Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("PRAGMA schema_version")) {
            result.next();
            return result.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<CapturedChange> replay(List<CapturedChange> changes) throws SQLException {
        try (Connection connection = ReplicaConnections.open(database, ReplicaConnections.Role.CLIENT)) {
            connection.setAutoCommit(false);
            try {
                int replayed = new LocalReplay(new ChangeCapture(), mutation -> MutationResult.keep())
                        .replay(connection, "client", 1, "revision", changes, CarriedPositions.NONE);
                assertThat(replayed).isEqualTo(changes.size());
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
            connection.setAutoCommit(true);
            return ChangeLog.readAfter(connection, 0, Integer.MAX_VALUE);
        }
    }

    private CapturedChange insert(String table, Map<String, Object> after) {
        return change(table, Operation.INSERT, null, after, null);
    }

    private CapturedChange update(String table, Map<String, Object> before, Map<String, Object> after) {
        return change(table, Operation.UPDATE, before, after, null);
    }

    private CapturedChange delete(String table, Map<String, Object> before) {
        return change(table, Operation.DELETE, before, null, null);
    }

    private CapturedChange schema(String table, String sql) {
        return change(table, Operation.SCHEMA, null, null, sql);
    }

    private CapturedChange change(String table, Operation operation, Map<String, Object> before,
                                  Map<String, Object> after, String sql) {
        long id = nextId++;
        return new CapturedChange(id, id, 0, table, operation, null, before, after, sql);
    }

    private static Map<String, Object> row(Object... columnsAndValues) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 0; i < columnsAndValues.length; i += 2) {
            row.put((String) columnsAndValues[i], columnsAndValues[i + 1]);
        }
        return row;
    }

    private List<String> rows(String query) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection connection = ReplicaConnections.open(database, ReplicaConnections.Role.READ_ONLY);
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(query)) {
            int columns = result.getMetaData().getColumnCount();
            while (result.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= columns; i++) {
                    row.append(i > 1 ? "|" : "").append(result.getString(i));
                }
                rows.add(row.toString());
            }
        }
        return rows;
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
