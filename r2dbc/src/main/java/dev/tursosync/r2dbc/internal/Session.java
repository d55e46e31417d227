package dev.tursosync.r2dbc.internal;

import dev.tursosync.spi.Lane;
import dev.tursosync.spi.Lease;
import dev.tursosync.spi.LocalDatabase;
import dev.tursosync.spi.Turns;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Function;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The state of one R2DBC connection: its turn (commands run one at a time, without blocking threads), the leased
 * JDBC connection while a statement, result or transaction is open, and the transaction flags.
 *
 * <p>In auto-commit mode a statement that ran only queries and row changes keeps its lease for the next statement
 * when that follows at once: when the statement ends, a check is queued on the lane, and a statement already waiting
 * for the turn, or issued from the ended one's signal, takes the turn before the check runs and uses the lease
 * without taking a permit and a connection again. An execution that ends with its completion signal queues the check
 * only after that signal, and only if no statement took the turn from it ({@link #checkIdleAfterSignal()}): statements
 * issued back to back then queue one lane task each, not two. The check gives the lease back when nothing holds the turn, so an
 * idle connection holds no lease. A pull (or any request that waits for the database) is never kept out: a statement
 * that ends while one waits gives the lease back at once.
 */
final class Session {

    private final Mono<LocalDatabase> databases;
    private final Turns turns = Turns.create();
    private final OpenResults open = new OpenResults();
    private volatile Duration statementTimeout;
    private volatile boolean closed;

    // Touched only while holding a turn.
    private Lease lease;
    private LocalDatabase laneDatabase;
    private Lane lane;
    private boolean onlyRowStatements = true;
    private volatile boolean autoCommit = true;
    private volatile boolean transaction;
    private boolean readOnly;
    /** Gives a lease kept after an auto-commit statement back, unless the next statement holds the turn. */
    private final Runnable idleCheck = this::releaseIfIdle;

    Session(Mono<LocalDatabase> databases, Duration statementTimeout) {
        this.databases = databases;
        this.statementTimeout = statementTimeout;
    }

    /**
     * Runs a command in its turn, on a leased connection.
     *
     * @param body the command
     * @param <T>  the element type
     * @return the command's signals
     */
    <T> Flux<T> operate(Function<Operation, Publisher<T>> body) {
        return Flux.defer(() -> closed
                ? Flux.<T>error(new IllegalStateException("the connection is closed"))
                : turns.next().flatMapMany(turn -> {
                    Operation operation = new Operation(this, turn);
                    return databases
                            .flatMap(database -> leaseFrom(database).doOnNext(held -> operation.attach(database, held)))
                            .flatMapMany(held -> body.apply(operation))
                            .doFinally(signal -> operation.done());
                }))
                .onErrorMap(error -> Errors.translate(error, null));
    }

    /**
     * The turn, granted at once when nothing holds or waits for it, else {@code null} (then wait with {@link #turn()}).
     *
     * @return the turn or {@code null}
     */
    Turns.Turn tryTurn() {
        return turns.tryNow();
    }

    /**
     * Waits for the turn.
     *
     * @return the turn once granted
     */
    Mono<Turns.Turn> turn() {
        return turns.next();
    }

    /**
     * Attaches the lease this connection holds (in a transaction) to a turn, without any subscription.
     *
     * @param operation the turn
     * @return {@code false} when no lease is held: use {@link #attachNew}
     */
    boolean attachHeld(Operation operation) {
        if (lease == null) {
            return false;
        }
        operation.attach(laneDatabase, lease);
        return true;
    }

    /**
     * Leases a connection for a turn. Once this connection knows its database (which stays the same for the client's
     * life), the lease is taken without any subscription when the shared permit is free.
     *
     * @param operation the turn
     * @param done      told once the lease is attached ({@code null}) or why not
     */
    void attachNew(Operation operation, Consumer<Throwable> done) {
        LocalDatabase known = laneDatabase;
        if (known != null) {
            leaseOn(known, operation, done);
        } else {
            databases.subscribe(database -> leaseOn(database, operation, done), done);
        }
    }

    private void leaseOn(LocalDatabase database, Operation operation, Consumer<Throwable> done) {
        if (laneDatabase != database) {
            laneDatabase = database;
            lane = database.lane();
        }
        database.lease(lane, (fresh, error) -> {
            if (error != null) {
                done.accept(error);
                return;
            }
            lease = fresh;
            operation.attach(database, fresh);
            done.accept(null);
        });
    }

    /**
     * The held lease, or a new one on this connection's lane: every lease of the connection runs on one lane, so the
     * next statement starts on the thread that finished the last one instead of waking another.
     */
    private Mono<Lease> leaseFrom(LocalDatabase database) {
        if (lease != null) {
            return Mono.just(lease);
        }
        if (laneDatabase != database) {
            laneDatabase = database;
            lane = database.lane();
        }
        return database.lease(lane).doOnNext(fresh -> lease = fresh);
    }

    /**
     * Ends a turn, then lets the next command in. Outside a transaction the lease is kept for a statement that follows
     * at once (see the class comment) when the lease ran only queries and row changes and nothing waits for the
     * database; otherwise it is given back now.
     */
    void finish(Turns.Turn turn) {
        Lease held = lease;
        if (held != null && !transaction && !keptUntilIdle(held)) {
            giveBack(held);
        }
        turn.release();
    }

    /**
     * As {@link #finish}, for an execution that signals its end right after: a lease kept for the statement that
     * follows at once is not checked yet. The caller then calls {@link #checkIdleAfterSignal()} once it has signalled,
     * so that a statement its subscriber issued from that signal (the usual back-to-back case) holds the turn by then
     * and no idle check is queued for it: that statement's end decides again.
     *
     * @param turn the turn to end
     * @return whether the lease was kept: then call {@link #checkIdleAfterSignal()}
     */
    boolean finishBeforeSignal(Turns.Turn turn) {
        Lease held = lease;
        boolean kept = false;
        if (held != null && !transaction) {
            kept = onlyRowStatements && !held.othersWait();
            if (!kept) {
                giveBack(held);
            }
        }
        turn.release();
        return kept;
    }

    /**
     * After the signal that ended an execution whose lease {@link #finishBeforeSignal} kept: queues the idle check
     * unless a command holds or waits for the turn (that command ends its turn in {@link #finish} or {@link
     * #finishBeforeSignal}, which decide again). When the lane takes no more work (the database closed), gives the
     * lease back at once if nothing holds the turn.
     */
    void checkIdleAfterSignal() {
        Turns.Turn turn = turns.tryNow();
        if (turn == null) {
            return;
        }
        turn.release();
        if (!checkWhenIdle()) {
            releaseIfIdle();
        }
    }

    /**
     * Whether an auto-commit statement's lease stays for the statements that follow at once: only after row
     * statements, while no other work waits for the database, and once the idle check that gives it back is queued.
     */
    private boolean keptUntilIdle(Lease held) {
        if (!onlyRowStatements || held.othersWait()) {
            return false;
        }
        return checkWhenIdle();
    }

    /** Queues the idle check on the lane; {@code false} when the lane takes no more work (the database closed). */
    private boolean checkWhenIdle() {
        try {
            lane.execute(idleCheck);
            return true;
        } catch (RejectedExecutionException closedDatabase) {
            return false;
        }
    }

    /**
     * On the lane, after what was queued behind a statement's end (or at once when the lane takes no more work): gives
     * a kept lease back unless a command holds or waits for the turn (that command ends its turn in {@link #finish},
     * which decides again).
     */
    private void releaseIfIdle() {
        Turns.Turn turn = turns.tryNow();
        if (turn == null) {
            return;
        }
        Lease held = lease;
        if (held != null && !transaction) {
            giveBack(held);
        }
        turn.release();
    }

    /** Gives the lease back; call while holding the turn. */
    private void giveBack(Lease held) {
        lease = null;
        held.releaseSoon(onlyRowStatements);
        onlyRowStatements = true;
    }

    /**
     * Notes a statement about to run on the lease: unless every statement of the lease is a query or a row change,
     * releasing it resets the connection (rolls back what the SQL may have left open).
     *
     * @param kind what the statement is
     */
    void ran(StatementKind kind) {
        if (onlyRowStatements && !kind.rowStatement()) {
            onlyRowStatements = false;
        }
    }

    /** Registers a result that must be consumed before the turn ends; {@link #close()} abandons it. */
    void track(CursorResult result) {
        open.add(result);
    }

    void untrack(CursorResult result) {
        open.remove(result);
    }

    /**
     * Closes: abandons results nobody consumed, then rolls back an open transaction and returns the connection.
     * Idempotent.
     *
     * @return completes when closed
     */
    Mono<Void> close() {
        return Mono.defer(() -> {
            if (closed) {
                return Mono.empty();
            }
            closed = true;
            open.snapshot().forEach(CursorResult::abandon);
            return turns.next().flatMap(turn -> {
                Lease held = lease;
                lease = null;
                onlyRowStatements = true;
                transaction = false;
                return (held == null ? Mono.<Void>empty() : held.release()).doFinally(signal -> turn.release());
            });
        });
    }

    boolean isClosed() {
        return closed;
    }

    Duration statementTimeout() {
        return statementTimeout;
    }

    void statementTimeout(Duration timeout) {
        this.statementTimeout = timeout;
    }

    boolean autoCommit() {
        return autoCommit;
    }

    void autoCommit(boolean autoCommit) {
        this.autoCommit = autoCommit;
    }

    boolean inTransaction() {
        return transaction;
    }

    void transaction(boolean open, boolean readOnly) {
        this.transaction = open;
        this.readOnly = open && readOnly;
    }

    boolean readOnly() {
        return readOnly;
    }
}
