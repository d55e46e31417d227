package dev.tursosync.r2dbc.internal;

import dev.tursosync.spi.Lane;
import dev.tursosync.spi.Lease;
import dev.tursosync.spi.LocalDatabase;
import dev.tursosync.spi.SqlWork;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * A {@link LocalDatabase} that counts the leases a statement layer takes and gives back, over a real one, and the
 * tasks the layer queues on its lanes itself (not through a lease, such as its idle checks). Its leases can be told to
 * report that other work waits, as a lease under a waiting pull does.
 */
final class CountedLeases implements LocalDatabase {

    private final LocalDatabase database;
    private volatile boolean othersWait;
    private int taken;
    private int released;
    private int laneTasks;

    CountedLeases(LocalDatabase database) {
        this.database = database;
    }

    /** From now on every lease says that other work waits for the database. */
    void othersWait(boolean wait) {
        othersWait = wait;
    }

    synchronized int taken() {
        return taken;
    }

    synchronized int released() {
        return released;
    }

    /** Tasks the statement layer queued on a lane itself, not through a lease. */
    synchronized int laneTasks() {
        return laneTasks;
    }

    /** Starts counting again from zero; call while no lease is held. */
    synchronized void reset() {
        taken = 0;
        released = 0;
        laneTasks = 0;
    }

    /**
     * Waits until the statement layer has given back every lease it took.
     *
     * @param atMost the bound after which the wait fails
     */
    synchronized void awaitNoneHeld(Duration atMost) throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (released < taken) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError(taken - released + " lease(s) still held after " + atMost);
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    private synchronized void took() {
        taken++;
    }

    private synchronized void gaveBack() {
        released++;
        notifyAll();
    }

    private synchronized void queuedOnLane() {
        laneTasks++;
    }

    @Override
    public Lane lane() {
        return new CountedLane(database.lane());
    }

    @Override
    public Mono<Lease> lease(Lane lane) {
        return database.lease(real(lane)).map(this::counted);
    }

    @Override
    public void lease(Lane lane, BiConsumer<? super @Nullable Lease, ? super @Nullable Throwable> done) {
        database.lease(real(lane), (lease, error) -> done.accept(lease == null ? null : counted(lease), error));
    }

    /** The database's own lane, so that its leases run as without this wrapper and only direct tasks are counted. */
    private static Lane real(Lane lane) {
        return lane instanceof CountedLane counted ? counted.lane : lane;
    }

    /** A lane that counts the tasks queued on it directly. */
    private final class CountedLane implements Lane {

        private final Lane lane;

        CountedLane(Lane lane) {
            this.lane = lane;
        }

        @Override
        public void execute(Runnable task) {
            lane.execute(task);
            queuedOnLane();
        }
    }

    private Lease counted(Lease lease) {
        took();
        return new Counted(lease);
    }

    @Override
    public void beforeStatement(Connection connection, String sql) throws SQLException {
        database.beforeStatement(connection, sql);
    }

    @Override
    public void afterStatement(Connection connection, @Nullable String sql) throws SQLException {
        database.afterStatement(connection, sql);
    }

    /** A lease that counts its release (once) and may say that other work waits. */
    private final class Counted implements Lease {

        private final Lease lease;
        private boolean counted;

        Counted(Lease lease) {
            this.lease = lease;
        }

        private void count() {
            synchronized (this) {
                if (counted) {
                    return;
                }
                counted = true;
            }
            gaveBack();
        }

        @Override
        public <T> Mono<T> run(SqlWork<T> work) {
            return lease.run(work);
        }

        @Override
        public <T extends @Nullable Object> void run(SqlWork<T> work,
                BiConsumer<? super @Nullable T, ? super @Nullable Throwable> done) {
            lease.run(work, done);
        }

        @Override
        public void interrupt() {
            lease.interrupt();
        }

        @Override
        public boolean othersWait() {
            return othersWait || lease.othersWait();
        }

        @Override
        public boolean isReleased() {
            return lease.isReleased();
        }

        @Override
        public Mono<Void> release() {
            return lease.release().doOnSuccess(done -> count());
        }

        @Override
        public Mono<Void> release(boolean onlyRowStatements) {
            return lease.release(onlyRowStatements).doOnSuccess(done -> count());
        }

        @Override
        public void releaseSoon(boolean onlyRowStatements) {
            lease.releaseSoon(onlyRowStatements);
            count();
        }
    }
}
