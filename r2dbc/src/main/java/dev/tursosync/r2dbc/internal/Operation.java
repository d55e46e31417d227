package dev.tursosync.r2dbc.internal;

import dev.tursosync.spi.Lease;
import dev.tursosync.spi.LocalDatabase;
import dev.tursosync.spi.SqlWork;
import dev.tursosync.spi.Turns;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * One turn of an R2DBC connection on its leased JDBC connection: a statement execution with the results it emits,
 * or a transaction command. The turn ends when the command's publisher has terminated and every result it emitted
 * has been consumed, cancelled or abandoned; only then may the next turn start.
 */
final class Operation {

    private static final VarHandle HOLDS;

    static {
        try {
            HOLDS = MethodHandles.lookup().findVarHandle(Operation.class, "holds", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Session session;
    private final Turns.Turn turn;
    /** Holds on the turn, through {@link #HOLDS}: a field rather than an object per turn. */
    @SuppressWarnings("unused")
    private volatile int holds = 1;
    private Lease lease;
    private LocalDatabase database;

    Operation(Session session, Turns.Turn turn) {
        this.session = session;
        this.turn = turn;
    }

    void attach(LocalDatabase database, Lease lease) {
        this.database = database;
        this.lease = lease;
    }

    /** The database the lease comes from, to tell about each statement run on it. */
    LocalDatabase manager() {
        return database;
    }

    Session session() {
        return session;
    }

    /** Keeps the turn until a matching {@link #done()}, for a result that is still to be consumed. */
    void hold() {
        HOLDS.getAndAdd(this, 1);
    }

    /** Ends one hold; the last ends the turn. */
    void done() {
        if ((int) HOLDS.getAndAdd(this, -1) == 1) {
            session.finish(turn);
        }
    }

    /**
     * As {@link #done()}, for the execution's own hold right before it signals its end: when that ends the turn and
     * the lease is kept, the caller calls {@link Session#checkIdleAfterSignal()} once it has signalled.
     *
     * @return whether the caller must call {@link Session#checkIdleAfterSignal()}
     */
    boolean doneBeforeSignal() {
        return (int) HOLDS.getAndAdd(this, -1) == 1 && session.finishBeforeSignal(turn);
    }

    /**
     * Runs JDBC work on the leased connection under the connection's statement timeout: when it elapses, SQLite is
     * interrupted and the work fails with {@link io.r2dbc.spi.R2dbcTimeoutException}.
     *
     * @param work the work
     * @param sql  the statement, for error messages
     * @param <T>  the result type
     * @return the result, signalled on the database thread
     */
    <T> Mono<T> run(SqlWork<T> work, String sql) {
        return lease.run(timed(work, sql)).onErrorMap(error -> Errors.translate(error, sql));
    }

    /**
     * As {@link #run(SqlWork, String)}, the outcome going to a callback instead of a subscriber.
     *
     * @param work the work
     * @param sql  the statement, for error messages
     * @param done called once on the database thread with the result or the translated failure
     * @param <T>  the result type
     */
    <T> void run(SqlWork<T> work, String sql, BiConsumer<? super T, Throwable> done) {
        lease.run(timed(work, sql), (result, error) -> done.accept(result,
                error == null ? null : Errors.translate(error, sql)));
    }

    /**
     * As {@link #run(SqlWork, String, BiConsumer)}, the failure going to the callback as the lease reports it, for a
     * caller that translates it itself (no wrapper per task).
     *
     * @param work the work
     * @param sql  the statement, for the timeout's error
     * @param done called once on the database thread with the result or the failure, untranslated
     * @param <T>  the result type
     */
    <T> void runUntranslated(SqlWork<T> work, String sql, BiConsumer<? super T, ? super Throwable> done) {
        lease.run(timed(work, sql), done);
    }

    private <T> SqlWork<T> timed(SqlWork<T> work, String sql) {
        Duration timeout = session.statementTimeout();
        if (timeout.isZero()) {
            return work;
        }
        return connection -> {
            AtomicBoolean fired = new AtomicBoolean();
            Disposable timer = Schedulers.parallel().schedule(() -> {
                fired.set(true);
                lease.interrupt();
            }, timeout.toMillis(), TimeUnit.MILLISECONDS);
            try {
                return work.run(connection);
            } catch (Exception e) {
                if (fired.get() && Errors.isInterrupt(e)) {
                    throw new io.r2dbc.spi.R2dbcTimeoutException(
                            "statement timeout of " + timeout.toMillis() + " ms elapsed", "HYT00", 9, sql, e);
                }
                throw e;
            } finally {
                timer.dispose();
            }
        };
    }

    /** Interrupts whatever statement runs on the leased connection now. */
    void interrupt() {
        lease.interrupt();
    }
}
