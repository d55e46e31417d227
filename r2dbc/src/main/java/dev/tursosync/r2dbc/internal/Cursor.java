package dev.tursosync.r2dbc.internal;

import dev.tursosync.spi.LocalDatabase;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.sqlite.core.Codes;
import org.sqlite.core.CoreStatement;
import org.sqlite.core.DB;
import org.sqlite.core.SafeStmtPtr;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One executed statement on a leased connection: either an update count or an open result set stepped by demand.
 * Every method runs on the lease's database thread. Closing tells the connection manager the statement ran, so
 * change capture sees each statement before the next one starts.
 *
 * <p>The execution reads the first row (SQLite steps it to execute the statement) and steps one more, which tells
 * whether the first is the last: a result of at most one row (a lookup by key) is then finished, its statement reset
 * and reported, before anyone asks for its row, and is read without another database task. Later rows are stepped
 * by demand ({@link #next}) and read while the cursor stands on them, only for the columns asked for ({@link
 * LiveRow}).
 *
 * <p>A value is read with one call for its storage class and one for the value of that class, on the statement
 * itself ({@link #value}), as sqlite-jdbc's {@code getObject} does, but without its per-call checks; a text is copied
 * out of SQLite as its bytes and decoded from UTF-8 (in a UTF-8 database, {@link TextEncoding}), which saves
 * sqlite-jdbc's direct buffer per text.
 */
final class Cursor implements SafeStmtPtr.SafePtrConsumer<SQLException> {

    private static final Logger LOG = LoggerFactory.getLogger(Cursor.class);

    private final Connection connection;
    private final LocalDatabase manager;
    private final String sql;
    private final PreparedStatement statement;
    private final ResultSet rows;
    /** The statement's handle, to read values of the current row; {@code null} unless sqlite-jdbc's own. */
    private final SafeStmtPtr pointer;
    private final ResultColumns columns;
    private final TursoRowMetadata metadata;
    private final long updateCount;
    private final boolean reusable;
    private boolean exhausted;
    private volatile boolean closed;
    /** The row read with the execution ({@code null} for none), until {@link #takeFirst()}. */
    private TursoRow first;
    /** Whether the execution's reading (its row or none) was not taken yet. */
    private boolean firstPending;
    /** Whether the result set stands on a row stepped ahead whose values are not read yet. */
    private boolean ahead;
    /** Whether a text can be read as its UTF-8 bytes; {@code null} until the first text is read. */
    private Boolean utf8;
    /** The values {@link #row()} copies the current row into, while it holds the statement. */
    private Object[] filling;

    private Cursor(Connection connection, LocalDatabase manager, String sql, PreparedStatement statement,
            ResultSet rows, ResultColumns columns, long updateCount, boolean reusable) {
        this.connection = connection;
        this.manager = manager;
        this.sql = sql;
        this.statement = statement;
        this.rows = rows;
        this.pointer = rows != null && statement instanceof CoreStatement core ? core.pointer : null;
        this.columns = columns;
        this.metadata = columns == null ? null : columns.metadata();
        this.updateCount = updateCount;
        this.reusable = reusable;
    }

    /**
     * Prepares, binds and executes one statement; a statement without result columns is finished (and reported to
     * the manager) before this returns.
     *
     * @param connection the leased connection
     * @param manager    the manager to tell about the statement
     * @param sql        one statement
     * @param kind       what it is ({@link StatementKind#of})
     * @param values     SQLite values by parameter number - 1
     * @return the cursor
     * @throws SQLException if the statement or the change capture fails
     */
    static Cursor open(Connection connection, LocalDatabase manager, String sql, StatementKind kind, Object[] values)
            throws SQLException {
        manager.beforeStatement(connection, sql);
        boolean cacheable = kind == StatementKind.ROW_CHANGE;
        boolean query = kind == StatementKind.QUERY;
        StatementCache.Kept kept = kind.kept() ? StatementCache.take(connection, sql, values.length) : null;
        PreparedStatement statement = kept != null ? kept.statement() : prepare(connection, sql);
        try {
            for (int i = 0; i < values.length; i++) {
                bind(statement, i + 1, values[i]);
            }
            if (cacheable) {
                Cursor cursor = new Cursor(connection, manager, sql, statement, null, null,
                        StatementCache.run(statement), true);
                cursor.close(true);
                return cursor;
            }
            if (query) {
                ResultSet rows = statement.executeQuery();
                ResultColumns columns = ResultColumns.read(statement, rows, kept == null ? null : kept.columns());
                return new Cursor(connection, manager, sql, statement, rows, columns, -1, true).readFirst();
            }
            if (statement.execute()) {
                ResultSet rows = statement.getResultSet();
                return new Cursor(connection, manager, sql, statement, rows, ResultColumns.read(statement, rows, null),
                        -1, false).readFirst();
            }
            Cursor cursor = new Cursor(connection, manager, sql, statement, null, null,
                    Math.max(0, statement.getUpdateCount()), false);
            cursor.close();
            return cursor;
        } catch (SQLException | RuntimeException e) {
            StatementCache.close(statement);
            throw e;
        }
    }

    /**
     * Prepares a statement. SQLite compiles against the schema this connection cached and re-reads it only for some
     * errors (such as a missing table), so after another connection replaced a table, a statement can fail to
     * compile against the stale copy. On a compile error this touches the schema (which makes SQLite notice a
     * changed schema cookie and reload it) and tries once more.
     */
    private static PreparedStatement prepare(Connection connection, String sql) throws SQLException {
        try {
            return connection.prepareStatement(sql);
        } catch (SQLException first) {
            if (!Errors.isCompileError(first)) {
                throw first;
            }
            try (java.sql.Statement probe = connection.createStatement()) {
                probe.executeQuery("SELECT count(*) FROM sqlite_schema").close();
            }
            return connection.prepareStatement(sql);
        }
    }

    private static void bind(PreparedStatement statement, int position, Object value) throws SQLException {
        if (value == null || value == Encoding.NULL) {
            statement.setNull(position, java.sql.Types.NULL);
        } else if (value instanceof Long number) {
            statement.setLong(position, number);
        } else if (value instanceof Double number) {
            statement.setDouble(position, number);
        } else if (value instanceof String text) {
            statement.setString(position, text);
        } else if (value instanceof byte[] bytes) {
            statement.setBytes(position, bytes);
        } else {
            throw new IllegalStateException("unresolved value " + value.getClass().getName());
        }
    }

    /**
     * Reads the first row, which the execution stepped, and steps one more: at the end the cursor closes (and a query
     * goes back to the cache). A failure of that second step fails the execution, under its statement timeout.
     */
    private Cursor readFirst() throws SQLException {
        firstPending = true;
        if (!rows.next()) {
            exhausted = true;
            close(reusable);
            return this;
        }
        first = row();
        ahead = rows.next();
        if (!ahead) {
            exhausted = true;
            close(reusable);
        }
        return this;
    }

    /**
     * Whether the execution's reading of a query is still to be taken ({@link #takeFirst()}).
     *
     * @return {@code true} until taken
     */
    boolean firstPending() {
        return firstPending;
    }

    /**
     * The row read with the execution, once; the subscriber must have asked for it.
     *
     * @return the row, or {@code null} when the query had none or it was taken
     */
    TursoRow takeFirst() {
        TursoRow taken = first;
        first = null;
        firstPending = false;
        return taken;
    }

    boolean hasRows() {
        return rows != null;
    }

    long updateCount() {
        return updateCount;
    }

    boolean exhausted() {
        return exhausted;
    }

    /**
     * Whether the statement was closed and reported (it ran to its end, or it had no rows): readable from any thread.
     *
     * @return {@code true} once closed
     */
    boolean isClosed() {
        return closed;
    }

    /**
     * Steps to the next row; at the end closes the cursor and reports the statement.
     *
     * @return the row the cursor now stands on ({@link LiveRow#release() release} it before stepping again), or
     *         {@code null} at the end
     * @throws SQLException if stepping or the change capture fails
     */
    LiveRow next() throws SQLException {
        if (ahead) {
            ahead = false;
        } else if (!rows.next()) {
            exhausted = true;
            close(reusable);
            return null;
        }
        return new LiveRow(this, metadata);
    }

    /**
     * A value of the row the cursor stands on, as SQLite stored it.
     *
     * @param index the column, from 0
     * @return {@code Long}, {@code Double}, {@code String}, {@code byte[]} or {@code null}
     * @throws SQLException if SQLite fails
     */
    Object value(int index) throws SQLException {
        SafeStmtPtr live = pointer;
        if (live == null) {
            return normalize(rows.getObject(index + 1));
        }
        boolean bytesAreUtf8 = utf8();
        return live.safeRun((db, handle) -> stored(db, handle, index, bytesAreUtf8));
    }

    /** Whether a text can be read as its stored bytes: asked of the connection once per cursor. */
    private boolean utf8() throws SQLException {
        Boolean bytesAreUtf8 = utf8;
        if (bytesAreUtf8 == null) {
            bytesAreUtf8 = TextEncoding.isUtf8(connection);
            utf8 = bytesAreUtf8;
        }
        return bytesAreUtf8;
    }

    /**
     * A value of the current row: one call for its storage class and one for the value of that class; a text as its
     * bytes decoded in a UTF-8 database, else converted to UTF-8 by SQLite.
     */
    private static Object stored(DB db, long handle, int index, boolean bytesAreUtf8) throws SQLException {
        switch (db.column_type(handle, index)) {
            case Codes.SQLITE_INTEGER:
                return db.column_long(handle, index);
            case Codes.SQLITE_FLOAT:
                return db.column_double(handle, index);
            case Codes.SQLITE_TEXT:
                if (!bytesAreUtf8) {
                    return db.column_text(handle, index);
                }
                byte[] bytes = db.column_blob(handle, index);
                return bytes == null ? "" : new String(bytes, StandardCharsets.UTF_8);
            case Codes.SQLITE_BLOB:
                return db.column_blob(handle, index);
            default:
                return null;
        }
    }

    /** The values of the row the result set stands on, copied under one hold of the statement. */
    private TursoRow row() throws SQLException {
        Object[] values = new Object[metadata.size()];
        SafeStmtPtr live = pointer;
        if (live == null) {
            for (int i = 0; i < values.length; i++) {
                values[i] = normalize(rows.getObject(i + 1));
            }
        } else {
            utf8();
            filling = values;
            try {
                live.safeRunConsume(this);
            } finally {
                filling = null;
            }
        }
        return new TursoRow(values, metadata);
    }

    /**
     * Copies the current row's values into {@link #filling}, under the statement's hold: {@link #row()}'s work, the
     * cursor itself rather than an object per row.
     */
    @Override
    public void run(DB db, long handle) throws SQLException {
        Object[] values = filling;
        boolean bytesAreUtf8 = utf8;
        for (int i = 0; i < values.length; i++) {
            values[i] = stored(db, handle, i, bytesAreUtf8);
        }
    }

    private static Object normalize(Object value) {
        if (value instanceof Integer number) {
            return number.longValue();
        }
        if (value instanceof Float number) {
            return number.doubleValue();
        }
        return value;
    }

    /**
     * Closes the statement and tells the manager it ran; idempotent.
     *
     * @throws SQLException if the change capture fails
     */
    void close() throws SQLException {
        close(false);
    }

    /**
     * Closes the statement, or keeps it for its next run when it ran to its end: a row change through
     * {@link StatementCache#run}, or a query stepped to its last row.
     */
    private void close(boolean finished) throws SQLException {
        if (closed) {
            return;
        }
        closed = true;
        if (finished && resetRows()) {
            StatementCache.keep(connection, sql, statement, columns);
        } else {
            StatementCache.close(statement);
        }
        manager.afterStatement(connection, sql);
    }

    /** Closes a query's finished result set, which resets its statement; {@code false} if that failed. */
    private boolean resetRows() {
        if (rows == null) {
            return true;
        }
        try {
            rows.close();
            return true;
        } catch (SQLException e) {
            LOG.debug("resetting a finished query failed; its statement is closed", e);
            return false;
        }
    }

    /** Closes after a cancellation or failure, logging what the change capture reports. */
    void closeQuietly() {
        try {
            close();
        } catch (SQLException e) {
            LOG.warn("change capture failed after a cancelled statement", e);
        }
    }
}
