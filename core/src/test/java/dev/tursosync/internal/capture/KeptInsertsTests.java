package dev.tursosync.internal.capture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tursosync.internal.capture.CapturedChange.Operation;
import dev.tursosync.internal.db.ConnectionManager;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replay prepares the statements around its kept inserts once ({@link ChangeLog#keptInserts}) and runs them once
 * per run of consecutive kept inserts: the updates the triggers logged during a run become inserts, and no update
 * logged before the run or between two runs does.
 */
class KeptInsertsTests {

    @TempDir
    Path folder;
    private ConnectionManager manager;

    @BeforeEach
    void open() {
        manager = CapturedDatabase.open(folder.resolve("app.db"), 1);
        run(connection -> {
            execute(connection, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
            return true;
        });
    }

    @AfterEach
    void close() {
        manager.close().block();
    }

    @Test
    void theUpdatesOfARunOfKeptInsertsBecomeInsertsAndNoOthers() {
        List<CapturedChange> log = run(connection -> {
            connection.setAutoCommit(false);
            try (ChangeLog.KeptInserts kept = ChangeLog.keptInserts(connection)) {
                execute(connection, "INSERT INTO t VALUES (1, 'a')");
                execute(connection, "UPDATE t SET v = 'b' WHERE id = 1");
                kept.afterKeptInserts();
                kept.beforeKeptInsert();
                execute(connection, upsert(1, "c"));
                kept.beforeKeptInsert();
                execute(connection, upsert(2, "d"));
                kept.beforeKeptInsert();
                execute(connection, upsert(1, "e"));
                kept.afterKeptInserts();
                execute(connection, "UPDATE t SET v = 'f' WHERE id = 2");
                kept.afterKeptInserts();
                kept.beforeKeptInsert();
                execute(connection, upsert(2, "g"));
                kept.afterKeptInserts();
                execute(connection, "UPDATE t SET v = 'h' WHERE id = 2");
                kept.afterKeptInserts();
            }
            connection.commit();
            connection.setAutoCommit(true);
            return ChangeLog.readAfter(connection, 0, Integer.MAX_VALUE);
        });
        List<CapturedChange> rows = log.stream().filter(change -> change.operation() != Operation.SCHEMA).toList();
        assertThat(rows).extracting(change -> change.after().get("v"))
                .containsExactly("a", "b", "c", "d", "e", "f", "g", "h");
        assertThat(rows).extracting(CapturedChange::operation).as("updates outside the runs stay updates")
                .containsExactly(Operation.INSERT, Operation.UPDATE, Operation.INSERT, Operation.INSERT,
                        Operation.INSERT, Operation.UPDATE, Operation.INSERT, Operation.UPDATE);
        assertThat(rows).extracting(change -> change.before() == null)
                .containsExactly(true, false, true, true, true, false, true, false);
    }

    private static String upsert(long id, String value) {
        return "INSERT INTO t VALUES (" + id + ", '" + value + "') ON CONFLICT (id) DO UPDATE SET v = excluded.v";
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private <T> T run(ConnectionManager.SqlWork<T> work) {
        return manager.withConnection(work).block();
    }
}
