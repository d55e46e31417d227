package dev.tursosync.r2dbc.internal;

import dev.tursosync.spi.StatementKinds;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prepared row changes ({@code INSERT}, {@code REPLACE}, {@code UPDATE}, {@code DELETE} without {@code RETURNING})
 * kept per JDBC connection, so a statement run again is not compiled again: SQLite re-compiles a kept statement itself
 * when the schema changed. Such a statement runs as a JDBC batch of one ({@link #run}), which resets it when it ends:
 * a statement left un-reset would count as running, and SQLite would then never clear an interrupt meant for another
 * statement. Only a statement that ran to its end without an error comes back into the cache ({@link #keep}); one in
 * use is marked taken ({@link #take}) and handed out to nobody else, so an interrupted or failed statement, which its
 * user closes, is never reused. Queries
 * ({@code SELECT}, {@code VALUES}) are kept too once stepped to their last row and reset, with the columns of that
 * execution: their column names and types are read from the live statement at every execution (sqlite-jdbc reads the
 * names again each time it executes, and SQLite re-compiles the statement against a changed schema) and compared with
 * those ({@link ResultColumns}), so a schema change never leaves them stale.
 * Every method runs on the thread that uses the connection (a lease's database thread).
 */
final class StatementCache {

    private static final Logger LOG = LoggerFactory.getLogger(StatementCache.class);
    /** Distinct statements kept per connection; the least recently used one is closed beyond that. */
    private static final int PER_CONNECTION = 64;
    /**
     * The kept statements of each connection. A connection's own map is used only by the thread that holds the
     * connection (handing a connection over goes through the manager's pool and permits, which publish what the last
     * holder kept), so it needs no lock, and connections never wait for each other here.
     */
    private static final Map<Connection, Map<String, Kept>> CACHES = new ConcurrentHashMap<>();
    /**
     * {@link #isCacheable} by text: {@link StatementKind#of} asks once per parsed text, and again for each execution
     * of a statement whose {@code RETURNING} clause was appended to its text.
     */
    private static final Map<String, Boolean> CACHEABLE = new ConcurrentHashMap<>();
    /** Distinct texts remembered; beyond that the memory starts over. */
    private static final int REMEMBERED = 512;

    private StatementCache() {
    }

    /**
     * Whether a statement is a row change without result columns, which this cache keeps.
     *
     * @param sql one statement
     * @return {@code true} for {@code INSERT}, {@code REPLACE}, {@code UPDATE} and {@code DELETE} whose text does not
     *         contain {@code RETURNING} (anywhere, even in a literal: such a statement is just not kept)
     */
    static boolean isCacheable(String sql) {
        Boolean known = CACHEABLE.get(sql);
        if (known == null) {
            known = isRowChange(sql);
            if (CACHEABLE.size() >= REMEMBERED) {
                CACHEABLE.clear();
            }
            CACHEABLE.put(sql, known);
        }
        return known;
    }

    private static boolean isRowChange(String sql) {
        if (!StatementKinds.isRowStatement(sql) || sql.toUpperCase(Locale.ROOT).contains("RETURNING")) {
            return false;
        }
        String start = sql.stripLeading();
        return !(start.regionMatches(true, 0, "SELECT", 0, 6) || start.regionMatches(true, 0, "VALUES", 0, 6)
                || start.regionMatches(true, 0, "WITH", 0, 4) || start.startsWith("-") || start.startsWith("/"));
    }

    /**
     * Runs a cacheable statement, its parameters bound, as a batch of one, which leaves it reset.
     *
     * @param statement the statement
     * @return the number of rows it changed
     * @throws SQLException SQLite's error if it fails
     */
    static long run(PreparedStatement statement) throws SQLException {
        statement.addBatch();
        try {
            // the counts as sqlite-jdbc has them: its executeBatch() converts them to an int[] through a stream
            long[] counts = statement.executeLargeBatch();
            return counts.length == 0 ? 0 : Math.max(0, counts[0]);
        } catch (BatchUpdateException e) {
            // the batch wraps SQLite's own error, whose code tells what failed
            throw e.getCause() instanceof SQLException cause ? cause : e;
        }
    }

    /**
     * A kept statement with the columns of its last execution. It stays in its connection's map while in use, marked
     * taken, so that running it again costs no removal and insertion: a taken statement is never handed out again,
     * and one that does not come back through {@link #keep} (it failed or was interrupted) is closed by its user and
     * replaced when a statement of its text is next kept (until then {@link #take} finds none for that text).
     */
    static final class Kept {
        private final PreparedStatement statement;
        private ResultColumns columns;
        private boolean taken;

        private Kept(PreparedStatement statement, ResultColumns columns) {
            this.statement = statement;
            this.columns = columns;
        }

        /** The statement, reset. */
        PreparedStatement statement() {
            return statement;
        }

        /** For a query, the columns its last execution read ({@link ResultColumns}); else {@code null}. */
        ResultColumns columns() {
            return columns;
        }
    }

    /**
     * Takes a kept statement for this text: it stays in the cache, marked taken, until {@link #keep} gives it back.
     *
     * @param connection the connection
     * @param sql        the statement text
     * @param bound      how many parameters the caller binds (numbers 1 to {@code bound}): when that is all of them,
     *                   the last run's values are all replaced and are not cleared first
     * @return the statement, its parameters cleared unless all are bound, or {@code null} when none is kept (or the
     *         one kept is in use)
     * @throws SQLException if clearing the parameters fails
     */
    static Kept take(Connection connection, String sql, int bound) throws SQLException {
        Map<String, Kept> cache = CACHES.get(connection);
        Kept kept = cache == null ? null : cache.get(sql);
        if (kept == null || kept.taken) {
            return null;
        }
        if (kept.statement.isClosed()) {
            cache.remove(sql);
            return null;
        }
        kept.taken = true;
        if (kept.statement.getParameterMetaData().getParameterCount() != bound) {
            kept.statement.clearParameters();
        }
        return kept;
    }

    /**
     * Keeps a statement taken from (or prepared for) this cache: a cacheable statement ({@link #isCacheable}) that ran
     * to its end through {@link #run}, or a query ({@link StatementKind#QUERY}) stepped to its end and reset. The caller
     * knows which it ran, so the text is not looked at again.
     *
     * @param connection the connection
     * @param sql        the statement text, cacheable or a query
     * @param statement  the statement, finished
     * @param columns    for a query, the columns of this execution; else {@code null}
     */
    static void keep(Connection connection, String sql, PreparedStatement statement, ResultColumns columns) {
        Map<String, Kept> cache = CACHES.get(connection);
        if (cache == null) {
            // a new connection: forget those the manager closed since (their statements are closed with them)
            CACHES.keySet().removeIf(StatementCache::isClosed);
            cache = new LinkedHashMap<>(16, 0.75f, true);
            CACHES.put(connection, cache);
        }
        Kept kept = cache.get(sql);
        if (kept != null && kept.statement == statement) {
            kept.columns = columns;
            kept.taken = false;
            return;
        }
        // another statement of this text (prepared while the kept one was in use, or the other way round): one stays
        Kept replaced = cache.put(sql, new Kept(statement, columns));
        if (replaced != null && !replaced.taken) {
            close(replaced.statement);
        }
        if (replaced == null && cache.size() > PER_CONNECTION) {
            var eldest = cache.entrySet().iterator();
            Kept evicted = eldest.next().getValue();
            eldest.remove();
            if (!evicted.taken) {
                // a taken one is closed by its user, or comes back through keep
                close(evicted.statement);
            }
        }
    }

    /** Closes a statement, logging a failure. */
    static void close(PreparedStatement statement) {
        try {
            statement.close();
        } catch (SQLException e) {
            LOG.debug("closing a statement failed", e);
        }
    }

    /**
     * Whether a JDBC connection was closed (or cannot tell), so what is remembered for it can be forgotten.
     *
     * @param connection the connection
     * @return {@code true} if it is closed
     */
    static boolean isClosed(Connection connection) {
        try {
            return connection.isClosed();
        } catch (SQLException e) {
            return true;
        }
    }
}
