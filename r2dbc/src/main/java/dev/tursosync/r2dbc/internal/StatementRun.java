package dev.tursosync.r2dbc.internal;

import dev.tursosync.spi.SqlWork;
import dev.tursosync.spi.Turns;
import io.r2dbc.spi.Blob;
import io.r2dbc.spi.Clob;
import io.r2dbc.spi.Result;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
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
final class StatementRun extends Flux<Result>
        implements Subscription, Runnable, SqlWork<Cursor>, BiConsumer<Cursor, Throwable> {

    /** Row changes run in one database task at most, so a long batch does not hold the lane for long. */
    private static final int ROW_CHANGES_PER_TASK = 256;
    /** The emission counter, a field rather than an object per execution. */
    private static final VarHandle WIP;
    /** The idle check to run after the terminal signal. */
    private static final VarHandle IDLE_CHECK;
    /** Whether the publisher's own subscription was taken. */
    private static final VarHandle SUBSCRIBED;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            WIP = lookup.findVarHandle(StatementRun.class, "wip", int.class);
            IDLE_CHECK = lookup.findVarHandle(StatementRun.class, "idleCheckDue", boolean.class);
            SUBSCRIBED = lookup.findVarHandle(StatementRun.class, "subscribed", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Session session;
    /** The statements, in order; {@code null} for the one statement in {@link #only}. */
    private final List<Executions.Work> work;
    private final Executions.Work only;
    private final int fetchSize;

    /**
     * An execution, started by each subscription.
     *
     * @param session   the connection
     * @param work      the statements, in order
     * @param fetchSize rows per step, {@code 0} for the default
     */
    StatementRun(Session session, List<Executions.Work> work, int fetchSize) {
        this(session, work, null, fetchSize);
    }

    /**
     * An execution of one statement (no list for it), started by each subscription.
     *
     * @param session   the connection
     * @param only      the statement
     * @param fetchSize rows per step, {@code 0} for the default
     */
    StatementRun(Session session, Executions.Work only, int fetchSize) {
        this(session, null, only, fetchSize);
    }

    private StatementRun(Session session, List<Executions.Work> work, Executions.Work only, int fetchSize) {
        this.session = session;
        this.work = work;
        this.only = only;
        this.fetchSize = fetchSize;
    }

    private int statements() {
        return work == null ? 1 : work.size();
    }

    private Executions.Work statement(int index) {
        return work == null ? only : work.get(index);
    }

    /**
     * Starts the execution. The publisher is its own first subscription (no object per subscription beside it); a
     * later subscriber gets an execution of its own, as each subscription executes the statements again.
     */
    @Override
    public void subscribe(CoreSubscriber<? super Result> subscriber) {
        if (!SUBSCRIBED.compareAndSet(this, false, true)) {
            new StatementRun(session, work, only, fetchSize).subscribe(subscriber);
            return;
        }
        actual = subscriber;
        subscriber.onSubscribe(this);
        start();
    }

    /** Set once by the first {@link #subscribe}, through SUBSCRIBED. */
    @SuppressWarnings("unused")
    private volatile boolean subscribed;
    /** The subscriber, written by the first {@link #subscribe} before the subscription is handed out. */
    private CoreSubscriber<? super Result> actual;
    @SuppressWarnings("unused") // through WIP
    private volatile int wip;
    /**
     * Set when the run ended its turn with the lease kept: the session's idle check is then due once the
     * terminal signal went out (or the subscriber cancelled), taken once through IDLE_CHECK.
     */
    private volatile boolean idleCheckDue;
    private long requested;
    /** The result opened and not sent yet. */
    private CursorResult pending;
    private Disposable waiting;
    private Operation operation;
    private int next;
    /** The statement {@link #open} runs, and its values, until its outcome. */
    private Executions.Work opening;
    private Object[] openingValues;
    /** Written under the monitor; volatile for the idle check's look after a drain. */
    private volatile boolean cancelled;
    private boolean released;
    private Throwable error;
    /** The results of a group of row changes that ran together; those from {@code readyAt} on are not sent. */
    private List<CursorResult> ready = List.of();
    private int readyAt;
    private volatile Throwable failed;
    private boolean complete;
    /** Written under the monitor; volatile for the idle check's look after a drain. */
    private volatile boolean terminated;

    void start() {
        if (session.isClosed()) {
            fail(new IllegalStateException("the connection is closed"));
            return;
        }
        Turns.Turn turn = session.tryTurn();
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

    private void onTurn(Turns.Turn turn) {
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

    /**
     * Opens the next statement, or ends the run when none is left or the subscriber cancelled. Consecutive row
     * changes without {@code RETURNING} (such as the binding sets of one statement) run together in one database
     * task, like a JDBC batch: their results are only update counts, emitted one after another; a failure is
     * signalled after the results of those that ran before it.
     */
    private void openNext() {
        Executions.Work item;
        List<Executions.Work> rowChanges = null;
        synchronized (this) {
            item = cancelled || next >= statements() ? null : statement(next++);
            if (item != null && isRowChange(item)) {
                rowChanges = new ArrayList<>();
                rowChanges.add(item);
                while (next < statements() && rowChanges.size() < ROW_CHANGES_PER_TASK
                        && isRowChange(statement(next))) {
                    rowChanges.add(statement(next++));
                }
            }
        }
        if (item == null) {
            release();
        } else if (rowChanges != null) {
            openRowChanges(rowChanges);
        } else if (needsResolving(item.values())) {
            Executions.resolve(item.values()).subscribe(values -> open(item, values), this::fail);
        } else {
            open(item, item.values());
        }
    }

    /**
     * Opens one statement on the lane: the run itself is the database task ({@link #run(Connection)}) and its outcome's
     * callback ({@link #accept}), with the statement in two fields, so opening a statement creates no objects of
     * its own. Statements open one at a time (the next only once this one's result ended), so the fields are not
     * overwritten while a task that reads them is queued.
     */
    private void open(Executions.Work item, Object[] values) {
        opening = item;
        openingValues = values;
        operation.runUntranslated(this, item.sql(), this);
    }

    /** On the database thread: runs the statement {@link #open} set. */
    @Override
    public Cursor run(Connection connection) throws SQLException {
        Executions.Work item = opening;
        session.ran(item.kind());
        return Cursor.open(connection, operation.manager(), item.sql(), item.kind(), openingValues);
    }

    /** On the database thread: the outcome of {@link #run(Connection)}. */
    @Override
    public void accept(Cursor cursor, Throwable failure) {
        Executions.Work item = opening;
        opening = null;
        openingValues = null;
        if (failure != null) {
            fail(Errors.translate(failure, item.sql()));
        } else {
            opened(new CursorResult(operation, cursor, item.sql(), fetchSize, this));
        }
    }

    private void openRowChanges(List<Executions.Work> items) {
        Operation current = operation;
        current.run(connection -> {
            List<Cursor> cursors = new ArrayList<>(items.size());
            for (Executions.Work each : items) {
                try {
                    session.ran(each.kind());
                    cursors.add(Cursor.open(connection, current.manager(), each.sql(), each.kind(),
                            each.values()));
                } catch (Exception e) {
                    failed = Errors.translate(e, each.sql());
                    break;
                }
            }
            return cursors;
        }, null, (cursors, failure) -> {
            if (failure != null) {
                fail(failure);
                return;
            }
            List<CursorResult> results = new ArrayList<>(cursors.size());
            for (int i = 0; i < cursors.size(); i++) {
                results.add(new CursorResult(current, cursors.get(i), items.get(i).sql(), fetchSize, this));
            }
            if (results.isEmpty()) {
                resultEnded();
                return;
            }
            boolean drop;
            synchronized (this) {
                drop = cancelled;
                if (!drop) {
                    // the previous group's results have all ended: a group opens only once they have
                    ready = results;
                    readyAt = 1;
                }
            }
            if (drop) {
                results.forEach(CursorResult::abandon);
            } else {
                opened(results.get(0));
            }
        });
    }

    private void opened(CursorResult result) {
        boolean drop;
        synchronized (this) {
            drop = cancelled;
            if (!drop) {
                pending = result;
            }
        }
        if (drop) {
            result.abandon();
        } else {
            drain();
        }
    }

    /** Told by each result when it ended (the run is every result's callback, no object per run). */
    @Override
    public void run() {
        resultEnded();
    }

    /** After a result ended: emits the next one already run, signals a failure that followed it, or opens on. */
    private void resultEnded() {
        CursorResult following;
        Throwable failure;
        boolean last;
        Operation held;
        synchronized (this) {
            following = readyAt < ready.size() ? ready.get(readyAt++) : null;
            failure = following == null ? failed : null;
            // the run's end (the common case: one statement) in this same hold, not in openNext's and release's
            last = following == null && failure == null && !released && (cancelled || next >= statements());
            if (last) {
                released = true;
                complete = !cancelled;
            }
            held = operation;
        }
        if (following != null) {
            opened(following);
        } else if (failure != null) {
            fail(failure);
        } else if (last) {
            released(held);
        } else {
            openNext();
        }
    }

    /**
     * Gives back the run's own hold on the turn (once), then completes unless the subscriber cancelled. A lease
     * kept for a next statement is checked for idleness only after the completion signal, from which the
     * subscriber typically issues that statement ({@link Session#checkIdleAfterSignal()}): by whichever drain
     * sends it (this one, or one this was called from), else by a cancellation, else here.
     */
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
        released(held);
    }

    /** The rest of {@link #release()}, once {@code released} and {@code complete} were set under the monitor. */
    private void released(Operation held) {
        boolean checkIdle = held != null && held.doneBeforeSignal();
        if (checkIdle) {
            IDLE_CHECK.setVolatile(this, true);
        }
        drain();
        if (checkIdle && (terminated || cancelled)) {
            checkIdleIfDue();
        }
    }

    /** Runs the idle check a {@link #release()} left due, once. */
    private void checkIdleIfDue() {
        if (idleCheckDue && (boolean) IDLE_CHECK.getAndSet(this, false)) {
            session.checkIdleAfterSignal();
        }
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
        boolean due;
        synchronized (this) {
            requested = Operators.addCap(requested, n);
            // nothing to send yet (a subscriber's first request, before the result opened): whatever is set later
            // is followed by its own drain, which then sees this demand
            due = !terminated && (pending != null || error != null || complete);
        }
        if (due) {
            drain();
        }
    }

    @Override
    public void cancel() {
        Disposable wait;
        CursorResult notSent;
        List<CursorResult> queued;
        synchronized (this) {
            if (cancelled) {
                return;
            }
            cancelled = true;
            wait = waiting;
            waiting = null;
            notSent = pending;
            pending = null;
            queued = new ArrayList<>(ready.subList(Math.min(readyAt, ready.size()), ready.size()));
            ready = List.of();
        }
        if (wait != null) {
            wait.dispose();
        }
        if (notSent != null) {
            notSent.abandon();
        }
        queued.forEach(CursorResult::abandon);
        checkIdleIfDue();
    }

    /**
     * Sends what is due. A change of the state is always followed by a call of this method, which then counts as
     * missed if a drain runs: so after a result is emitted the state is looked at again only when a terminal
     * signal was due as well, and after the terminal signal not at all (one hold of the monitor for each).
     */
    private void drain() {
        if ((int) WIP.getAndAdd(this, 1) != 0) {
            return;
        }
        int missed = 1;
        do {
            boolean again = true;
            while (again) {
                CursorResult emit = null;
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
                        if (requested != Long.MAX_VALUE) {
                            requested--;
                        }
                        again = error != null || complete;
                    } else if (error != null || complete) {
                        terminated = true;
                        failure = error;
                        completing = error == null;
                        again = false;
                    } else {
                        break;
                    }
                }
                if (emit != null) {
                    actual.onNext(emit);
                } else {
                    if (completing) {
                        actual.onComplete();
                    } else {
                        actual.onError(failure);
                    }
                    checkIdleIfDue();
                }
            }
            missed = (int) WIP.getAndAdd(this, -missed) - missed;
        } while (missed != 0);
    }

    /** Whether a statement is a row change the run may batch with its neighbours: no result rows, no streams. */
    private static boolean isRowChange(Executions.Work item) {
        return item.kind() == StatementKind.ROW_CHANGE && !needsResolving(item.values());
    }

    private static boolean needsResolving(Object[] values) {
        for (Object value : values) {
            // the common encoded values by their (final) classes first, before the interface checks
            if (value instanceof String || value instanceof Long) {
                continue;
            }
            if (value instanceof Blob || value instanceof Clob) {
                return true;
            }
        }
        return false;
    }
}
