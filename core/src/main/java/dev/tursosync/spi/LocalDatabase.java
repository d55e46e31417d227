package dev.tursosync.spi;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * The local SQLite database of a {@link dev.tursosync.SyncClient} as a statement layer uses it: the client's own
 * JDBC connections, leased under its rules. From {@link dev.tursosync.SyncClient#localDatabase()} (or
 * {@link StandaloneDatabase#open} for a database without sync).
 *
 * <ul>
 *   <li><b>Threads.</b> All JDBC work runs on the client's database threads, never on the caller's (a Netty event
 *   loop, say): a statement layer submits it through a {@link Lease}.</li>
 *   <li><b>Permits.</b> A lease holds one shared permit; a pull holds the exclusive one, with every connection
 *   closed. Leases wait for a running pull, and a pull waits until every lease is released, so hold a lease only
 *   while a statement, a result or a transaction is open, or across auto-commit statements that follow each other at
 *   once while {@link Lease#othersWait()} is {@code false}. Requests are served in order: once a pull waits, later
 *   leases wait behind it.</li>
 *   <li><b>Order.</b> The work of one statement-layer connection runs on its {@link Lane}, one task at a time, in
 *   the order submitted, across all its leases.</li>
 *   <li><b>Capture.</b> The connections are the client's read-write connections, with change capture installed.
 *   Call {@link #beforeStatement} before preparing each statement whose text is known and {@link #afterStatement}
 *   right after it ran (before the next one runs on the connection): capture then logs the schema changes a
 *   statement made in the same transaction, so they are pushed in order with the rows.</li>
 * </ul>
 *
 * <p>The methods cost no allocation beyond the lease itself: a statement layer can call them for every statement.
 */
public interface LocalDatabase {

    /**
     * A new lane, for one connection of the statement layer.
     *
     * @return the lane
     */
    Lane lane();

    /**
     * Leases a connection: waits for a shared permit, then borrows a connection on the lane.
     *
     * @param lane the lane of the statement-layer connection asking
     * @return the lease, signalled on the lane, once granted; a subscriber that cancels before gets nothing and
     *         holds nothing
     */
    Mono<Lease> lease(Lane lane);

    /**
     * As {@link #lease(Lane)}, the lease going to a callback: without any subscription when the shared permit is free,
     * for a statement layer that leases once per auto-commit statement. The wait cannot be cancelled; a caller that no
     * longer needs the lease releases it.
     *
     * @param lane the lane of the statement-layer connection asking
     * @param done called once with the lease (on the lane) or the failure ({@link dev.tursosync.SyncClosedException}
     *             once the database is closed)
     */
    void lease(Lane lane, BiConsumer<? super @Nullable Lease, ? super @Nullable Throwable> done);

    /**
     * Tells change capture a statement is about to be prepared on a leased connection.
     *
     * @param connection the leased connection
     * @param sql        the statement text
     * @throws SQLException if preparing the connection fails; do not run the statement then
     */
    void beforeStatement(Connection connection, String sql) throws SQLException;

    /**
     * Tells change capture a statement ran on a leased connection; call it on the lane right after the statement,
     * before running the next one on the connection.
     *
     * @param connection the leased connection, possibly inside a transaction
     * @param sql        the statement text, or {@code null} when unknown (capture then checks the schema)
     * @throws SQLException if the capture fails; report it like a failure of the statement
     */
    void afterStatement(Connection connection, @Nullable String sql) throws SQLException;
}
