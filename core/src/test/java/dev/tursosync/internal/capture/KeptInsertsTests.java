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
 * The replay prepares the statements around its kept inserts once ({@link ChangeLog#keptInserts}) and runs them
 * for every insert of its transaction: each run must see the rows the triggers logged since the last one, and turn
 * into inserts only the updates logged after the mark it is given.
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
    void oneSetOfStatementsServesEveryKeptInsertOfATransaction() {
        List<CapturedChange> log = run(connection -> {
            connection.setAutoCommit(false);
            try (ChangeLog.KeptInserts kept = ChangeLog.keptInserts(connection)) {
                execute(connection, "INSERT INTO t VALUES (1, 'a')");
                execute(connection, "UPDATE t SET v = 'b' WHERE id = 1");
                long first = kept.lastChangeId();
                assertThat(first).isEqualTo(ChangeLog.lastChangeId(connection));
                execute(connection, upsert(1, "c"));
                kept.recordUpdatesAsInserts(first);

                long second = kept.lastChangeId();
                assertThat(second).as("the reused query sees the rows logged since its last run")
                        .isEqualTo(first + 1);
                execute(connection, upsert(2, "d"));
                execute(connection, upsert(1, "e"));
                kept.recordUpdatesAsInserts(second);
            }
            connection.commit();
            connection.setAutoCommit(true);
            return ChangeLog.readAfter(connection, 0, Integer.MAX_VALUE);
        });
        List<CapturedChange> rows = log.stream().filter(change -> change.operation() != Operation.SCHEMA).toList();
        assertThat(rows).extracting(CapturedChange::operation).containsExactly(Operation.INSERT, Operation.UPDATE,
                Operation.INSERT, Operation.INSERT, Operation.INSERT);
        assertThat(rows.get(1).before()).as("the update before the first mark keeps its old image").isNotNull();
        assertThat(rows.get(2).before()).isNull();
        assertThat(rows.get(4).before()).isNull();
        assertThat(rows).extracting(change -> change.after().get("v")).containsExactly("a", "b", "c", "d", "e");
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
