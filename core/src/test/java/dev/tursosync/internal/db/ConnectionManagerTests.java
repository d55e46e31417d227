package dev.tursosync.internal.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tursosync.SyncClosedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

final class ConnectionManagerTests {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    @Test
    void workRunsOnDatabaseThreadsAndTheWalSurvivesClose() throws Exception {
        Path db = dir.resolve("app.db");
        ConnectionManager manager = new ConnectionManager(db, 2);
        String thread = manager.withConnection(connection -> {
            try (Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE t(x)");
                statement.execute("INSERT INTO t VALUES (1), (2)");
            }
            return Thread.currentThread().getName();
        }).block(WAIT);
        manager.close().block(WAIT);

        assertThat(thread).startsWith("tursosync-db-");
        assertThat(Files.size(db.resolveSibling("app.db-wal"))).as("WAL kept with its frames, not checkpointed")
                .isGreaterThanOrEqualTo(32 + 2 * (24 + 4096));
        assertThat(Files.size(db)).as("only page 1 written by the switch to WAL mode").isEqualTo(4096);
        assertThatThrownBy(() -> manager.withConnection(connection -> 1).block(WAIT))
                .isInstanceOf(SyncClosedException.class);

        ConnectionManager reopened = new ConnectionManager(db, 1);
        long count = reopened.withConnection(connection -> {
            try (ResultSet rows = connection.createStatement().executeQuery("SELECT count(*) FROM t")) {
                rows.next();
                return rows.getLong(1);
            }
        }).block(WAIT);
        reopened.close().block(WAIT);
        assertThat(count).isEqualTo(2);
    }

    @Test
    void exclusiveWorkWaitsForInFlightWorkAndRunsWithNoConnectionOpen() throws Exception {
        Path db = dir.resolve("app.db");
        ConnectionManager manager = new ConnectionManager(db, 2);
        CountDownLatch readerStarted = new CountDownLatch(1);
        CountDownLatch releaseReader = new CountDownLatch(1);
        AtomicBoolean readerDone = new AtomicBoolean();
        Mono<Integer> reader = manager.withConnection(connection -> {
            readerStarted.countDown();
            releaseReader.await(10, TimeUnit.SECONDS);
            readerDone.set(true);
            return 1;
        });
        reader.subscribe();
        assertThat(readerStarted.await(10, TimeUnit.SECONDS)).isTrue();

        ConnectionLease probe = manager.lease().block(WAIT);
        Mono<Boolean> exclusive = manager.exclusive(readerDone::get);
        var result = exclusive.toFuture();
        ConnectionLeaseTests.awaitOthersWaitFor(probe);
        probe.release().block(WAIT);
        assertThat(result).as("exclusive work waits for the reader").isNotDone();
        releaseReader.countDown();

        assertThat(result.get(10, TimeUnit.SECONDS)).as("the reader had finished").isTrue();
        manager.close().block(WAIT);
    }

    /**
     * Work on the open connections ({@link ConnectionManager#exclusiveOnOpen}, a pull's fold-in): it waits for a
     * lease in flight, runs on the pool's idle connection, where {@code wal_checkpoint(TRUNCATE)} completes with the
     * sentinel open, and closes nothing: this process keeps its locks on the database file, so another process that
     * opens and closes it leaves the WAL written after the checkpoint alone.
     */
    @Test
    void exclusiveWorkOnOpenWaitsForALeaseAndCheckpointsOnThePooledConnectionWithTheOthersOpen() throws Exception {
        Path db = dir.resolve("app.db");
        ConnectionManager manager = new ConnectionManager(db, 1);
        AtomicReference<Connection> pooled = new AtomicReference<>();
        manager.withConnection(connection -> {
            try (Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE t(x)");
                statement.execute("INSERT INTO t VALUES (1), (2)");
            }
            pooled.set(connection);
            return true;
        }).block(WAIT);
        ConnectionLease lease = manager.lease().block(WAIT);

        var result = manager.exclusiveOnOpen((connection, databaseFile) -> {
            assertThat(connection).as("the pool's idle connection").isSameAs(pooled.get());
            try (ResultSet row = connection.createStatement().executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
                row.next();
                return row.getInt(1) + "/" + (row.getInt(2) == row.getInt(3)) + "/" + databaseFile.size();
            }
        }).toFuture();
        ConnectionLeaseTests.awaitOthersWaitFor(lease);
        assertThat(result).as("it waits for the lease").isNotDone();
        lease.release().block(WAIT);

        assertThat(result.get(10, TimeUnit.SECONDS)).as("not busy, all copied, read through the kept handle")
                .isEqualTo("0/true/" + Files.size(db));
        Path wal = db.resolveSibling("app.db-wal");
        assertThat(Files.size(wal)).as("emptied").isZero();
        manager.withConnection(connection -> connection.createStatement().execute("INSERT INTO t VALUES (3)"))
                .block(WAIT);
        long walAfterWrite = Files.size(wal);
        assertThat(walAfterWrite).isPositive();
        if (DatabaseLocks.readable()) {
            assertThat(DatabaseLocks.heldByThisProcess(db)).as("this process's locks on the database").isNotEmpty();
        }
        if (DatabaseLocks.shellAvailable()) {
            DatabaseLocks.openAndCloseInAnotherProcess(db);
            assertThat(Files.size(wal)).as("another process's close did not checkpoint the WAL")
                    .isEqualTo(walAfterWrite);
        }
        long count = manager.withConnection(connection -> {
            try (ResultSet rows = connection.createStatement().executeQuery("SELECT count(*) FROM t")) {
                rows.next();
                return rows.getLong(1);
            }
        }).block(WAIT);
        assertThat(count).isEqualTo(3);
        manager.close().block(WAIT);
    }

    @Test
    void exclusiveWorkGetsWhatTheSentinelReadOnceEveryOtherWorkEndedAndRunsAfterItClosed() throws Exception {
        Path db = dir.resolve("app.db");
        ConnectionManager manager = new ConnectionManager(db, 2);
        manager.withConnection(connection -> {
            try (Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE t(x)");
            }
            return true;
        }).block(WAIT);
        CountDownLatch writerStarted = new CountDownLatch(1);
        CountDownLatch releaseWriter = new CountDownLatch(1);
        Mono<Integer> inFlight = manager.withConnection(connection -> {
            writerStarted.countDown();
            releaseWriter.await(10, TimeUnit.SECONDS);
            try (Statement statement = connection.createStatement()) {
                return statement.executeUpdate("INSERT INTO t VALUES (1)");
            }
        });
        var firstWrite = inFlight.toFuture();
        assertThat(writerStarted.await(10, TimeUnit.SECONDS)).isTrue();

        AtomicBoolean readOnReadOnly = new AtomicBoolean();
        java.util.concurrent.atomic.AtomicReference<java.sql.Connection> readOn =
                new java.util.concurrent.atomic.AtomicReference<>();
        var exclusive = manager.exclusive(connection -> {
            readOn.set(connection);
            readOnReadOnly.set(connection.isReadOnly());
            return count(connection);
        }, (read, window) -> Mono.fromCallable(() -> {
            assertThat(window.keptReader()).as("the read's connection, the sentinel, goes on into the window")
                    .isSameAs(readOn.get());
            assertThat(readOn.get().isClosed()).isFalse();
            return read.orElse(-1L);
        })).toFuture();
        var laterWrite = manager.withConnection(connection -> {
            try (Statement statement = connection.createStatement()) {
                return statement.executeUpdate("INSERT INTO t VALUES (2)");
            }
        }).toFuture();
        releaseWriter.countDown();

        assertThat(exclusive.get(10, TimeUnit.SECONDS))
                .as("the read saw the write that was in flight, not the one queued after").isEqualTo(1L);
        assertThat(readOnReadOnly).as("read on the read-only sentinel").isTrue();
        assertThat(firstWrite.get(10, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(laterWrite.get(10, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(manager.withConnection(ConnectionManagerTests::count).block(WAIT)).isEqualTo(2L);
        manager.close().block(WAIT);
    }

    @Test
    void exclusiveWorkReadsForItselfWhenNoConnectionWasOpen() throws Exception {
        Path db = dir.resolve("app.db");
        ConnectionManager manager = new ConnectionManager(db, 1);
        AtomicBoolean readRan = new AtomicBoolean();
        Optional<Boolean> read = manager.exclusive(connection -> readRan.getAndSet(true), (given, window) -> Mono.just(given))
                .block(WAIT);
        assertThat(read).isEmpty();
        assertThat(readRan).isFalse();
        manager.close().block(WAIT);
    }

    /**
     * A window (a pull's apply) writes through its own connection, then leaves it ready: the manager's pool takes
     * it, with the read-only one opened before it as the sentinel, and the window's read handle on the database
     * file stays open until they close, so this process keeps its POSIX locks on the file (another process's close
     * then leaves the WAL alone) and the next work gets that very connection, which sees the window's write.
     */
    @Test
    void aWindowsConnectionsGoToThePoolAndItsFileHandleClosesOnlyAfterThem() throws Exception {
        Path db = dir.resolve("app.db");
        Path wal = db.resolveSibling("app.db-wal");
        ConnectionManager manager = new ConnectionManager(db, 1);
        manager.withConnection(connection -> execute(connection, "CREATE TABLE t(x)")).block(WAIT);
        AtomicReference<java.sql.Connection> kept = new AtomicReference<>();
        manager.exclusive(connection -> true, (read, window) -> Mono.fromCallable(() -> {
            assertThat(window.databaseFile().size()).isPositive();
            java.sql.Connection writer = window.writer();
            writer.setAutoCommit(false);
            execute(writer, "INSERT INTO t VALUES (1), (2)");
            writer.commit();
            writer.setAutoCommit(true);
            window.keep();
            kept.set(writer);
            return true;
        })).block(WAIT);

        if (DatabaseLocks.readable()) {
            assertThat(DatabaseLocks.heldByThisProcess(db)).as("this process's locks on the database").isNotEmpty();
        }
        if (DatabaseLocks.shellAvailable()) {
            long walBefore = Files.size(wal);
            DatabaseLocks.openAndCloseInAnotherProcess(db);
            assertThat(wal).as("another process's close did not take itself for the last one").exists();
            assertThat(Files.size(wal)).isEqualTo(walBefore);
        }

        assertThat(manager.withConnection(connection -> {
            assertThat(connection).as("the window's connection, from the pool").isSameAs(kept.get());
            return count(connection);
        }).block(WAIT)).isEqualTo(2L);
        manager.close().block(WAIT);
        assertThat(kept.get().isClosed()).isTrue();
    }

    /** Work that fails leaves nothing of its window open: its connections close, and the next work opens its own. */
    @Test
    void aFailedWindowsConnectionsAreClosed() throws Exception {
        Path db = dir.resolve("app.db");
        ConnectionManager manager = new ConnectionManager(db, 1);
        manager.withConnection(connection -> execute(connection, "CREATE TABLE t(x)")).block(WAIT);
        AtomicReference<java.sql.Connection> opened = new AtomicReference<>();
        assertThatThrownBy(() -> manager.exclusive(connection -> true, (read, window) -> Mono.fromCallable(() -> {
            opened.set(window.writer());
            window.keep();
            throw new IllegalStateException("failed after keep");
        })).block(WAIT)).hasMessageContaining("failed after keep");

        assertThat(opened.get().isClosed()).isTrue();
        assertThat(manager.withConnection(connection -> connection != opened.get()).block(WAIT)).isTrue();
        manager.close().block(WAIT);
    }

    /**
     * The channel on {@code -shm} that a window uses to add a pull to SQLite's WAL index goes back to the manager with
     * the window's connections and into the next window: a channel left unreferenced would be closed some time later
     * by the garbage collector's cleaner, dropping this process's POSIX locks on {@code -shm} under live connections.
     */
    @Test
    void theChannelOnTheSharedMemoryGoesFromWindowToWindowAndClosesAfterTheConnections() throws Exception {
        Path db = dir.resolve("app.db");
        Path shm = db.resolveSibling("app.db-shm");
        ConnectionManager manager = new ConnectionManager(db, 1);
        manager.withConnection(connection -> execute(connection, "CREATE TABLE t(x)")).block(WAIT);
        java.util.List<Long> handles = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int row = i;
            manager.exclusive(connection -> true, (read, window) -> Mono.fromCallable(() -> {
                window.keep();
                execute(window.keptWriter(), "INSERT INTO t VALUES (" + row + ")");
                return true;
            })).block(WAIT);
            if (Files.isDirectory(Path.of("/proc/self/fd"))) {
                handles.add(handlesOn(shm));
            }
        }
        assertThat(manager.withConnection(ConnectionManagerTests::count).block(WAIT)).isEqualTo(5L);
        if (!handles.isEmpty()) {
            assertThat(handles.get(0)).as("SQLite's handle and the window's channel").isEqualTo(2L);
            assertThat(handles).as("handles on -shm after each window").containsOnly(handles.get(0));
        }
        manager.close().block(WAIT);
        if (!handles.isEmpty()) {
            assertThat(handlesOn(shm)).as("handles on -shm after close").isZero();
        }
    }

    /** How many of this process's file descriptors are open on the file (Linux). */
    private static long handlesOn(Path file) throws java.io.IOException {
        String target = file.toAbsolutePath().normalize().toString();
        try (java.util.stream.Stream<Path> descriptors = Files.list(Path.of("/proc/self/fd"))) {
            return descriptors.filter(descriptor -> {
                try {
                    return Files.readSymbolicLink(descriptor).toString().equals(target);
                } catch (java.io.IOException | UnsupportedOperationException e) {
                    return false;
                }
            }).count();
        }
    }

    private static boolean execute(java.sql.Connection connection, String sql) throws java.sql.SQLException {
        try (Statement statement = connection.createStatement()) {
            return statement.execute(sql);
        }
    }

    private static long count(java.sql.Connection connection) throws java.sql.SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT count(*) FROM t")) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
