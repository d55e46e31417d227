package dev.tursosync.spi;

import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * One of the client's JDBC connections and one shared permit, pinned for a statement layer while it has a statement,
 * a result or a transaction open. While a lease is held, pulls (which replace pages underneath SQLite) wait; release
 * it as soon as nothing is open. Its work runs on the {@link Lane} it was taken on, one task at a time.
 *
 * <p>A statement layer whose next auto-commit statement follows at once (already queued, or issued from the previous
 * one's signal on the lane) may keep the lease for it instead of releasing it and leasing again, as long as
 * {@link #othersWait()} is {@code false}; it releases the lease once the lane has run what was queued and no
 * statement holds it (a task queued on the lane after the statement's end is the usual check).
 *
 * <p>Tell the database about each statement ({@link LocalDatabase#beforeStatement},
 * {@link LocalDatabase#afterStatement}) so that change capture sees schema changes in the transaction that made
 * them.
 */
public interface Lease {

    /**
     * Runs work on the pinned connection after every task submitted before it on the lane. Cancelling the returned
     * {@code Mono} does not stop the work; a result that arrives after cancellation is discarded.
     *
     * @param work the work; it may leave a transaction open, {@link #release()} rolls it back
     * @param <T>  the result type
     * @return the result, signalled on a database thread
     */
    <T> Mono<T> run(SqlWork<T> work);

    /**
     * As {@link #run(SqlWork)}, the outcome going to a callback instead of a subscriber: no subscription per task,
     * for a statement layer that tracks its own state.
     *
     * @param work the work
     * @param done called once, on a database thread, with the result or the failure (also when the lease was
     *             released or the database refused the task)
     * @param <T>  the result type
     */
    <T extends @Nullable Object> void run(SqlWork<T> work,
            BiConsumer<? super @Nullable T, ? super @Nullable Throwable> done);

    /**
     * Interrupts the statement running on the pinned connection ({@code sqlite3_interrupt}); safe from any thread.
     * The interrupted statement fails with {@code SQLITE_INTERRUPT}.
     */
    void interrupt();

    /**
     * Whether other work waits for the database behind this lease (a pull or a checkpoint waiting for the exclusive
     * permit, or leases queued behind it). One volatile read: a statement layer that keeps the lease between
     * auto-commit statements asks after each one and releases the lease when this is {@code true}, so a pull gets in
     * between two statements.
     *
     * @return {@code true} while a request waits
     */
    boolean othersWait();

    /**
     * Whether the lease was released.
     *
     * @return {@code true} once {@link #release()} (or a variant) was called
     */
    boolean isReleased();

    /**
     * Rolls back any open transaction, tells change capture the unit of work ended, gives the connection back and
     * then the permit, after every task already submitted. Idempotent.
     *
     * @return completes once the connection is back and the permit released
     */
    Mono<Void> release();

    /**
     * As {@link #release()}; a statement layer that knows the lease ran only queries and row changes
     * ({@link StatementKinds#isRowStatement(String)}) in auto-commit mode, each already reported through
     * {@link LocalDatabase#afterStatement}, skips the reset: such statements leave no transaction open and the
     * schema as it was.
     *
     * @param onlyRowStatements whether every statement run on the lease was a query or a row change in auto-commit
     *                          mode
     * @return completes once the connection is back and the permit released
     */
    Mono<Void> release(boolean onlyRowStatements);

    /**
     * As {@link #release(boolean)}, without anyone waiting for the end: for a statement layer that gives the lease
     * back after each auto-commit statement. The connection goes back (and the permit is released) after every task
     * already submitted, so the layer's next lease on the same lane finds it.
     *
     * @param onlyRowStatements whether every statement run on the lease was a query or a row change in auto-commit
     *                          mode
     */
    void releaseSoon(boolean onlyRowStatements);
}
