package dev.tursosync.internal.capture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tursosync.internal.db.ConnectionManager;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a pull reads of the change log: its rows, and whether its ids would start again in a used generation. */
class PendingLogTests {

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

    private PendingLog read() {
        return manager.withConnection(PendingLog::read).block();
    }

    @Test
    void aLogThatHandedOutNoIdHasNothingToStartAgain() {
        run("SELECT 1");
        PendingLog log = read();
        assertThat(log.rows()).isEmpty();
        assertThat(log.lastIdTaken()).isZero();
        assertThat(log.idsStartAgain()).isFalse();
    }

    @Test
    void pendingRowsAreJournaledSoTheirIdsDoNotStartAgainHere() {
        run("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)", "INSERT INTO t VALUES (1, 'a')");
        PendingLog log = read();
        assertThat(log.rows()).extracting(LogRow::id).containsExactly(1L, 2L);
        assertThat(log.lastIdTaken()).isEqualTo(2);
        assertThat(log.idsStartAgain()).isFalse();
    }

    @Test
    void aLogEmptiedByAPushStillRemembersTheIdsItHandedOut() {
        run("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)", "INSERT INTO t VALUES (1, 'a')",
                "INSERT INTO t VALUES (2, 'b')");
        manager.withConnection(connection -> {
            ChangeLog.deleteThrough(connection, 3);
            return true;
        }).block();
        PendingLog log = read();
        assertThat(log.rows()).isEmpty();
        assertThat(log.lastIdTaken()).isEqualTo(3);
        assertThat(log.idsStartAgain()).isTrue();
    }

    @Test
    void aDatabaseWithoutTheLogHasNone() throws Exception {
        Path bare = folder.resolve("bare.db");
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + bare);
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE t(id INTEGER PRIMARY KEY AUTOINCREMENT)");
            statement.execute("INSERT INTO t DEFAULT VALUES");
            assertThat(PendingLog.read(connection)).isEqualTo(PendingLog.NONE);
        }
    }
}
