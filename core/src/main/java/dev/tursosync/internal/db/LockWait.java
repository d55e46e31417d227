package dev.tursosync.internal.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.sqlite.BusyHandler;

/**
 * How a connection waits for a lock another connection holds (most often SQLite's write lock, which a transaction
 * keeps until it ends). SQLite's own busy timeout sleeps 1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50 and then 100 ms
 * between tries, so under a steady stream of writes from several connections a waiting writer sleeps on long after
 * the lock came free: commits wait hundreds of milliseconds at the tail and the lock stands idle. This handler tries
 * again after a wait that starts at 10 µs and doubles up to 1 ms, and gives up (SQLite then reports
 * {@code SQLITE_BUSY}) after the same total time as the busy timeout it replaces, or at once when the waiting thread
 * is interrupted.
 */
final class LockWait extends BusyHandler {

    private static final long FIRST_WAIT_NANOS = 10_000;
    private static final long LONGEST_WAIT_NANOS = 1_000_000;

    private final long timeoutNanos;
    private final Runnable beforeEachWait;
    private long firstTry;

    LockWait(Duration timeout, Runnable beforeEachWait) {
        this.timeoutNanos = timeout.toNanos();
        this.beforeEachWait = beforeEachWait;
    }

    /**
     * Makes a connection wait this way, replacing its busy timeout.
     *
     * @param connection a SQLite connection
     * @param timeout    how long one statement may wait in all
     * @throws SQLException if sqlite-jdbc refuses
     */
    static void install(Connection connection, Duration timeout) throws SQLException {
        BusyHandler.setHandler(connection, new LockWait(timeout, () -> { }));
    }

    @Override
    protected int callback(int triesBefore) {
        long now = System.nanoTime();
        if (triesBefore == 0) {
            firstTry = now;
        }
        if (now - firstTry >= timeoutNanos || Thread.currentThread().isInterrupted()) {
            return 0;
        }
        beforeEachWait.run();
        LockSupport.parkNanos(waitNanos(triesBefore));
        return 1;
    }

    /** The wait before try {@code triesBefore + 1}: 10 µs, doubling, at most 1 ms. */
    static long waitNanos(int triesBefore) {
        return triesBefore >= 7 ? LONGEST_WAIT_NANOS : Math.min(LONGEST_WAIT_NANOS, FIRST_WAIT_NANOS << triesBefore);
    }
}
