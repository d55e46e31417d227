package dev.tursosync.r2dbc.internal;

import dev.tursosync.internal.db.AccessGate;
import io.r2dbc.spi.Blob;
import io.r2dbc.spi.Clob;
import io.r2dbc.spi.Result;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;

/**
 * One execution of statements in a turn of their connection, as a single publisher instead of an operator chain per
 * statement: it takes the turn (at once when it is free), attaches the held lease (or leases a connection), opens a
 * transaction in manual-commit mode, then opens each statement on the lease's lane once the result of the one before
 * it has ended, and emits the results as they are asked for. Ending the last result gives the turn (and, between
 * transactions, the lease) back; then the publisher completes.
 */
final class StatementRun extends Flux<Result> {

    private final Session session;
    private final List<Executions.Work> work;
    private final int fetchSize;

    /**
     * An execution, started by each subscription.
     *
     * @param session   the connection
     * @param work      the statements, in order
     * @param fetchSize rows per step, {@code 0} for the default
     */
    StatementRun(Session session, List<Executions.Work> work, int fetchSize) {
        this.session = session;
        this.work = work;
        this.fetchSize = fetchSize;
    }

    @Override
    public void subscribe(CoreSubscriber<? super Result> actual) {
        Run run = new Run(actual);
        actual.onSubscribe(run);
        run.start();
    }

    /**
     * The state of one subscription. Fields are guarded by the monitor; signals go out in {@link #drain()}, one thread
     * at a time, outside it.
     */
    private final class Run implements Subscription {

        private final CoreSubscriber<? super Result> actual;
        private final AtomicInteger wip = new AtomicInteger();
        private long requested;
        private TursoResult pending;
        private CursorResult unsent;
        private Disposable waiting;
        private Operation operation;
        private int next;
        private boolean cancelled;
        private boolean released;
        private Throwable error;
        private boolean complete;
        private boolean terminated;

        Run(CoreSubscriber<? super Result> actual) {
            this.actual = actual;
        }

        void start() {
            if (session.isClosed()) {
                fail(new IllegalStateException("the connection is closed"));
                return;
            }
            AccessGate.Permit turn = session.tryTurn();
            if (turn != null) {
                onTurn(turn);
                return;
            }
            Disposable wait = session.turn().subscribe(this::onTurn, this::fail);
            boolean drop;
            synchronized (this) {
                drop = cancelled;
                if (operation == null && !drop) {
                    waiting = wait;
                }
            }
            if (drop) {
                wait.dispose();
            }
        }

        private void onTurn(AccessGate.Permit turn) {
            Operation granted = new Operation(session, turn);
            boolean drop;
            synchronized (this) {
                operation = granted;
                waiting = null;
                drop = cancelled;
            }
            if (drop) {
                release();
                return;
            }
            if (session.attachHeld(granted)) {
                attached();
            } else {
                session.attachNew(granted, failure -> {
                    if (failure != null) {
                        fail(failure);
                    } else {
                        attached();
                    }
                });
            }
        }

        private void attached() {
            if (!session.autoCommit() && !session.inTransaction()) {
                Transactions.begin(operation, false).subscribe(null, this::fail, this::openNext);
            } else {
                openNext();
            }
        }

        /** Opens the next statement, or ends the run when none is left or the subscriber cancelled. */
        private void openNext() {
            Executions.Work item;
            synchronized (this) {
                item = cancelled || next >= work.size() ? null : work.get(next++);
            }
            if (item == null) {
                release();
                return;
            }
            if (needsResolving(item.values())) {
                Executions.resolve(item.values()).subscribe(values -> open(item.sql(), values), this::fail);
            } else {
                open(item.sql(), item.values());
            }
        }

        private void open(String sql, Object[] values) {
            Operation current = operation;
            current.run(connection -> {
                session.ran(sql);
                return Cursor.open(connection, current.manager(), sql, values);
            }, sql, (cursor, failure) -> {
                if (failure != null) {
                    fail(failure);
                } else {
                    opened(new CursorResult(current, cursor, sql, fetchSize, this::openNext));
                }
            });
        }

        private void opened(CursorResult result) {
            boolean drop;
            synchronized (this) {
                drop = cancelled;
                if (!drop) {
                    pending = new TursoResult(result);
                    unsent = result;
                }
            }
            if (drop) {
                result.abandon();
            } else {
                drain();
            }
        }

        /** Gives back the run's own hold on the turn (once), then completes unless the subscriber cancelled. */
        private void release() {
            Operation held;
            synchronized (this) {
                if (released) {
                    return;
                }
                released = true;
                held = operation;
                complete = !cancelled;
            }
            if (held != null) {
                held.done();
            }
            drain();
        }

        private void fail(Throwable failure) {
            Operation held;
            synchronized (this) {
                if (error != null || complete) {
                    return;
                }
                error = Errors.translate(failure, null);
                held = released ? null : operation;
                released = true;
            }
            if (held != null) {
                held.done();
            }
            drain();
        }

        @Override
        public void request(long n) {
            if (!Operators.validate(n)) {
                return;
            }
            synchronized (this) {
                requested = Operators.addCap(requested, n);
            }
            drain();
        }

        @Override
        public void cancel() {
            Disposable wait;
            CursorResult notSent;
            synchronized (this) {
                if (cancelled) {
                    return;
                }
                cancelled = true;
                wait = waiting;
                waiting = null;
                notSent = pending == null ? null : unsent;
                pending = null;
                unsent = null;
            }
            if (wait != null) {
                wait.dispose();
            }
            if (notSent != null) {
                notSent.abandon();
            }
        }

        private void drain() {
            if (wip.getAndIncrement() != 0) {
                return;
            }
            int missed = 1;
            do {
                for (;;) {
                    TursoResult emit = null;
                    Throwable failure = null;
                    boolean completing = false;
                    synchronized (this) {
                        if (terminated || cancelled) {
                            break;
                        }
                        if (pending != null) {
                            if (requested == 0) {
                                break;
                            }
                            emit = pending;
                            pending = null;
                            unsent = null;
                            if (requested != Long.MAX_VALUE) {
                                requested--;
                            }
                        } else if (error != null || complete) {
                            terminated = true;
                            failure = error;
                            completing = error == null;
                        } else {
                            break;
                        }
                    }
                    if (emit != null) {
                        actual.onNext(emit);
                    } else if (completing) {
                        actual.onComplete();
                    } else {
                        actual.onError(failure);
                    }
                }
                missed = wip.addAndGet(-missed);
            } while (missed != 0);
        }
    }

    private static boolean needsResolving(Object[] values) {
        for (Object value : values) {
            if (value instanceof Blob || value instanceof Clob) {
                return true;
            }
        }
        return false;
    }
}
