package dev.tursosync.internal.capture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tursosync.internal.db.ConnectionManager;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Change ids only grow, also after a push deleted the rows it sent: the log keeps its last row as a high-water mark
 * (a log of an earlier version, an {@code AUTOINCREMENT} table, keeps its counter), and no reader takes it for a
 * change.
 */
class ChangeLogTests {

    /** The log as versions before the high-water mark created it. */
    private static final String PREVIOUS_LOG = "CREATE TABLE " + CaptureNames.LOG
            + " (id INTEGER PRIMARY KEY AUTOINCREMENT, txn INTEGER NOT NULL, time INTEGER NOT NULL,"
            + " tbl TEXT NOT NULL, op INTEGER NOT NULL, rid INTEGER, old TEXT, new TEXT, sql TEXT)";

    @TempDir
    Path folder;
    private ConnectionManager manager;

    @AfterEach
    void close() {
        if (manager != null) {
            manager.close().block();
        }
    }

    private void open() {
        manager = CapturedDatabase.open(folder.resolve("app.db"), 2);
    }

    private void run(String... statements) {
        CapturedDatabase.run(manager, statements);
    }

    private <T> T on(ConnectionManager.SqlWork<T> work) {
        return manager.withConnection(work).block();
    }

    private List<CapturedChange> changes() {
        return on(connection -> ChangeLog.readAfter(connection, 0, 1000));
    }

    private void pushedThrough(long id) {
        on(connection -> {
            ChangeLog.deleteThrough(connection, id);
            return true;
        });
    }

    @Test
    void aPushOfEveryChangeLeavesNothingPendingAndTheNextIdAboveThePushedOnes() {
        open();
        run("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)", "INSERT INTO t VALUES (1, 'a')",
                "INSERT INTO t VALUES (2, 'b')");
        long last = on(ChangeLog::lastChangeId);
        long lastTransaction = on(ChangeLog::lastTransaction);
        assertThat(last).isEqualTo(3);

        pushedThrough(last);

        assertThat(changes()).isEmpty();
        assertThat(on(ChangeLog::pendingCount)).isZero();
        assertThat(on(ChangeLog::lastChangeId)).as("nothing to push").isZero();
        assertThat(on(ChangeLog::readRows)).isEmpty();
        PendingLog pending = on(PendingLog::read);
        assertThat(pending.rows()).isEmpty();
        assertThat(pending.lastIdTaken()).isEqualTo(last);
        assertThat(pending.idsStartAgain()).isTrue();

        run("INSERT INTO t VALUES (3, 'c')");

        List<CapturedChange> next = changes();
        assertThat(next).extracting(CapturedChange::id).containsExactly(last + 1);
        assertThat(next.get(0).transaction()).isGreaterThan(lastTransaction);
        assertThat(on(ChangeLog::pendingCount)).isEqualTo(1);
        assertThat(on(ChangeLog::lastChangeId)).isEqualTo(last + 1);

        pushedThrough(last + 1);
        assertThat(on(ChangeLog::pendingCount)).isZero();
        assertThat(rowsInTheLog()).as("one high-water mark, the older one deleted").isEqualTo(1);
    }

    @Test
    void aPartialPushDeletesThroughItsLastIdAndKeepsTheRest() {
        open();
        run("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)", "INSERT INTO t VALUES (1, 'a')",
                "INSERT INTO t VALUES (2, 'b')", "INSERT INTO t VALUES (3, 'c')");

        pushedThrough(2);

        assertThat(changes()).extracting(CapturedChange::id).containsExactly(3L, 4L);
        assertThat(on(ChangeLog::pendingCount)).isEqualTo(2);
        assertThat(rowsInTheLog()).isEqualTo(2);
    }

    @Test
    void aRolledBackTransactionAfterAPushTakesNoIdAndTheNextStillGrows() {
        open();
        run("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)", "INSERT INTO t VALUES (1, 'a')");
        pushedThrough(2);
        on(connection -> {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.execute("INSERT INTO t VALUES (2, 'rolled back')");
            } finally {
                connection.rollback();
                connection.setAutoCommit(true);
            }
            return true;
        });

        run("INSERT INTO t VALUES (3, 'c')");

        assertThat(changes()).extracting(CapturedChange::id).containsExactly(3L);
        assertThat(changes().get(0).after()).containsEntry("v", "c");
    }

    @Test
    void aReopenedDatabaseNumbersItsTransactionsAfterThePushedOnes() {
        open();
        run("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)", "INSERT INTO t VALUES (1, 'a')");
        long lastTransaction = on(ChangeLog::lastTransaction);
        pushedThrough(2);
        manager.close().block();
        open();

        run("INSERT INTO t VALUES (2, 'b')");

        assertThat(changes()).singleElement().satisfies(change -> {
            assertThat(change.id()).isEqualTo(3);
            assertThat(change.transaction()).isGreaterThan(lastTransaction);
        });
    }

    @Test
    void aLogOfThePreviousVersionKeepsItsCounterAfterItsPushDeletedEveryRow() throws Exception {
        open();
        run("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
        manager.close().block();
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + folder.resolve("app.db"));
             Statement statement = connection.createStatement()) {
            statement.execute("DROP TABLE " + CaptureNames.LOG);
            statement.execute(PREVIOUS_LOG);
        }
        open();
        run("INSERT INTO t VALUES (1, 'a')", "INSERT INTO t VALUES (2, 'b')", "INSERT INTO t VALUES (9, 'z')");
        String definition = on(connection -> text(connection, "SELECT sql FROM sqlite_schema WHERE name = '"
                + CaptureNames.LOG + "'"));
        assertThat(definition).as("the log kept as it was").contains("AUTOINCREMENT");
        // what the previous version's push did: delete every row it sent
        run("DELETE FROM " + CaptureNames.LOG);

        PendingLog pending = on(PendingLog::read);
        assertThat(pending.rows()).isEmpty();
        assertThat(pending.lastIdTaken()).isEqualTo(3);
        assertThat(pending.idsStartAgain()).isTrue();
        assertThat(on(ChangeLog::lastChangeId)).isZero();

        run("INSERT INTO t VALUES (3, 'c')", "INSERT INTO t VALUES (4, 'd')");
        assertThat(changes()).extracting(CapturedChange::id).containsExactly(4L, 5L);
        pushedThrough(5);
        assertThat(on(ChangeLog::pendingCount)).isZero();
        run("INSERT INTO t VALUES (5, 'e')");
        assertThat(changes()).extracting(CapturedChange::id).containsExactly(6L);
        assertThat(on(PendingLog::read).lastIdTaken()).isEqualTo(6);
    }

    private long rowsInTheLog() {
        String count = on(connection -> text(connection, "SELECT count(*) FROM " + CaptureNames.LOG));
        return Long.parseLong(count);
    }

    private static String text(Connection connection, String query) throws java.sql.SQLException {
        try (Statement statement = connection.createStatement();
             java.sql.ResultSet row = statement.executeQuery(query)) {
            row.next();
            return row.getString(1);
        }
    }
}
