package dev.tursosync.internal.db;

import dev.tursosync.spi.Lane;
import dev.tursosync.spi.Lease;
import dev.tursosync.spi.SqlWork;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConnection;
import reactor.core.publisher.Mono;

/**
 * One JDBC connection and one shared permit pinned for a statement layer (such as an R2DBC connection) while it
 * has a statement, a result or a transaction open. Work runs one task at a time, in submission order, on the
 * manager's database threads. {@link #release()} rolls back whatever transaction is still open, returns the
 * connection and only then gives the permit back, so an exclusive task (a pull) never runs under live work.
 */
public final class ConnectionLease implements Lease {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionLease.class);

    /** Gives a leased connection back to the manager. */
    interface Returner {
        void giveBack(Connection connection, boolean healthy);
    }

    private final Connection connection;
    private final AccessGate.Permit permit;
    private final Returner returner;
    private final ConnectionManager.StatementObserver observer;
    private final Lane order;
    private final AtomicBoolean released = new AtomicBoolean();
    private volatile boolean returned;

    ConnectionLease(Connection connection, AccessGate.Permit permit, Lane order, Returner returner,
            ConnectionManager.StatementObserver observer) {
        this.connection = connection;
        this.permit = permit;
        this.order = order;
        this.returner = returner;
        this.observer = observer;
    }

    /**
     * Runs work on the pinned connection after every task submitted before it. Cancelling the returned
     * {@code Mono} does not stop the work; a result that arrives after cancellation is discarded.
     *
     * @param work the work; it may leave a transaction open, {@link #release()} rolls it back
     * @param <T>  the result type
     * @return the result, signalled on a database thread
     */
    @Override
    public <T> Mono<T> run(SqlWork<T> work) {
        return Mono.create(sink -> run(work, (result, error) -> {
            if (error != null) {
                sink.error(error);
            } else {
                sink.success(result);
            }
        }));
    }

    /**
     * As {@link #run(SqlWork)}, for a statement layer that tracks its own state: the outcome goes to
     * a callback, without a subscription per task.
     *
     * @param work the work
     * @param done called once, on a database thread, with the result or the failure (also when the lease was released
     *             or the manager refused the task)
     * @param <T>  the result type
     */
    @Override
    public <T> void run(SqlWork<T> work, BiConsumer<? super T, ? super Throwable> done) {
        try {
            submit(() -> {
                if (returned) {
                    done.accept(null, new IllegalStateException("the connection lease was released"));
                    return;
                }
                T result;
                try {
                    result = work.run(connection);
                } catch (Throwable error) {
                    done.accept(null, error);
                    return;
                }
                done.accept(result, null);
            });
        } catch (RuntimeException rejected) {
            done.accept(null, rejected);
        }
    }

    /**
     * The pinned connection, for a blocking statement layer that runs its work on its caller's thread (the JDBC
     * {@code DataSource}); a lease's connection is used by one caller at a time.
     *
     * @return the connection
     */
    Connection connection() {
        return connection;
    }

    /**
     * Interrupts the statement running on the pinned connection ({@code sqlite3_interrupt}); safe from any thread.
     * The interrupted statement fails with {@code SQLITE_INTERRUPT}.
     */
    @Override
    public void interrupt() {
        try {
            connection.unwrap(SQLiteConnection.class).getDatabase().interrupt();
        } catch (SQLException e) {
            LOG.debug("interrupting a statement failed", e);
        }
    }

    /**
     * Whether other work waits for the database behind this lease's permit (a pull, a checkpoint, or leases queued
     * behind one): one volatile read, for a statement layer that keeps the lease between auto-commit statements.
     *
     * @return {@code true} while a request waits
     */
    @Override
    public boolean othersWait() {
        return permit.othersWait();
    }

    /**
     * Whether {@link #release()} was called.
     *
     * @return {@code true} once released
     */
    @Override
    public boolean isReleased() {
        return released.get();
    }

    /**
     * Rolls back any open transaction, tells the statement observer that the unit of work ended, returns the
     * connection and releases the permit, after every task already submitted. Idempotent.
     *
     * @return completes once the connection is back and the permit released
     */
    @Override
    public Mono<Void> release() {
        return release(false);
    }

    /**
     * As {@link #release()}; a statement layer that knows the lease ran only queries and row changes
     * ({@link dev.tursosync.internal.sql.RowStatements}) in auto-commit mode, each already reported to the observer,
     * skips the reset: such statements leave no transaction open and the schema as it was.
     *
     * @param onlyRowStatements whether every statement run on the lease was a query or a row change in auto-commit
     *                          mode
     * @return completes once the connection is back and the permit released
     */
    @Override
    public Mono<Void> release(boolean onlyRowStatements) {
        return Mono.create(sink -> end(onlyRowStatements, sink::success));
    }

    /**
     * As {@link #release(boolean)}, without anyone waiting for the end: for a statement layer that gives the lease
     * back after each auto-commit statement. The connection goes back (and the permit is released) after every task
     * already submitted, so the layer's next lease on the same lane finds it.
     *
     * @param onlyRowStatements whether every statement run on the lease was a query or a row change in auto-commit
     *                          mode
     */
    @Override
    public void releaseSoon(boolean onlyRowStatements) {
        try {
            end(onlyRowStatements, () -> { });
        } catch (RejectedExecutionException rejected) {
            LOG.debug("the connection manager closed before a lease was released", rejected);
            permit.release();
        }
    }

    private void end(boolean onlyRowStatements, Runnable then) {
        if (!released.compareAndSet(false, true)) {
            then.run();
            return;
        }
        submit(() -> {
            try {
                returned = true;
                returner.giveBack(connection, onlyRowStatements ? isAutoCommit() : rollBackQuietly());
            } finally {
                permit.release();
                then.run();
            }
        });
    }

    /** Whether the connection is in JDBC's auto-commit mode, as every connection handed out must be. */
    private boolean isAutoCommit() {
        try {
            return connection.getAutoCommit();
        } catch (SQLException e) {
            return false;
        }
    }

    /** Ends whatever transaction SQLite has open; {@code false} if the connection is no longer fit for reuse. */
    private boolean rollBackQuietly() {
        try {
            if (!connection.getAutoCommit()) {
                connection.rollback();
                connection.setAutoCommit(true);
            }
            try (Statement statement = connection.createStatement()) {
                statement.execute("ROLLBACK");
            } catch (SQLException noTransaction) {
                // "cannot rollback - no transaction is active": the usual case
            }
            observer.afterStatement(connection, null);
            return true;
        } catch (Exception e) {
            LOG.warn("resetting a leased connection failed; it is closed instead of reused", e);
            return false;
        }
    }

    private void submit(Runnable task) {
        order.execute(task);
    }
}
