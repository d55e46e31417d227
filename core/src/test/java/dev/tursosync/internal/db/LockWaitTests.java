package dev.tursosync.internal.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.BusyHandler;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

class LockWaitTests {

    @TempDir
    Path folder;

    @Test
    void waitsStartShortAndGrowToOneMillisecond() {
        assertThat(LockWait.waitNanos(0)).isEqualTo(10_000);
        assertThat(LockWait.waitNanos(1)).isEqualTo(20_000);
        assertThat(LockWait.waitNanos(6)).isEqualTo(640_000);
        assertThat(LockWait.waitNanos(7)).isEqualTo(1_000_000);
        assertThat(LockWait.waitNanos(1_000)).isEqualTo(1_000_000);
    }

    @Test
    void aWriterWaitingForTheWriteLockTakesItOnceTheHolderCommits() throws Exception {
        try (Connection holder = open(); Connection waiter = open()) {
            CountDownLatch waiting = new CountDownLatch(1);
            BusyHandler.setHandler(waiter, new LockWait(Duration.ofSeconds(60), waiting::countDown));
            execute(holder, "BEGIN IMMEDIATE");
            execute(holder, "INSERT INTO t(v) VALUES ('holder')");
            CompletableFuture<Void> write = CompletableFuture.runAsync(() -> {
                try {
                    execute(waiter, "INSERT INTO t(v) VALUES ('waiter')");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(waiting.await(60, TimeUnit.SECONDS)).as("the waiter found the lock taken").isTrue();
            assertThat(write).isNotDone();
            execute(holder, "COMMIT");
            write.get(60, TimeUnit.SECONDS);
            assertThat(count(holder)).isEqualTo(2);
        }
    }

    @Test
    void givesUpWithBusyAfterItsTimeout() throws Exception {
        try (Connection holder = open(); Connection waiter = open()) {
            BusyHandler.setHandler(waiter, new LockWait(Duration.ofMillis(200), () -> { }));
            execute(holder, "BEGIN IMMEDIATE");
            long start = System.nanoTime();
            assertThatThrownBy(() -> execute(waiter, "BEGIN IMMEDIATE"))
                    .isInstanceOfSatisfying(SQLiteException.class, busy -> assertThat(busy.getResultCode())
                            .isIn(SQLiteErrorCode.SQLITE_BUSY, SQLiteErrorCode.SQLITE_BUSY_SNAPSHOT));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
            execute(holder, "ROLLBACK");
        }
    }

    @Test
    void anInterruptedThreadStopsWaiting() throws Exception {
        try (Connection holder = open(); Connection waiter = open()) {
            BusyHandler.setHandler(waiter, new LockWait(Duration.ofSeconds(60), () -> { }));
            execute(holder, "BEGIN IMMEDIATE");
            Thread.currentThread().interrupt();
            try {
                assertThatThrownBy(() -> execute(waiter, "BEGIN IMMEDIATE")).isInstanceOf(SQLiteException.class);
            } finally {
                Thread.interrupted();
            }
            execute(holder, "ROLLBACK");
        }
    }

    private Connection open() throws SQLException {
        Connection connection = DriverManager.getConnection("jdbc:sqlite:" + folder.resolve("lock.db"));
        execute(connection, "PRAGMA journal_mode = WAL");
        execute(connection, "CREATE TABLE IF NOT EXISTS t(id INTEGER PRIMARY KEY, v TEXT)");
        return connection;
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static long count(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             var rows = statement.executeQuery("SELECT count(*) FROM t")) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
