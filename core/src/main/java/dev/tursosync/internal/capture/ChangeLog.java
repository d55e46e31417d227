package dev.tursosync.internal.capture;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and trims the change log {@value CaptureNames#LOG}.
 *
 * <p>Change ids only grow, and an id a push sent is never handed out again (the remote records pushed ids, so a
 * reused one would be taken for a pushed change). SQLite gives a new row the largest id plus one, so ids only grow
 * while the row with the largest id stays: when a push deletes the rows it sent, the last of them, if it is the last
 * row of the log, stays as a <em>high-water mark</em> ({@link #HIGH_WATER}: no table, row id or images; its id and
 * transaction number kept), which every reader of changes skips and the next push deletes. A log created by an
 * earlier version is an {@code AUTOINCREMENT} table, whose counter in {@code sqlite_sequence} does the same (at the
 * cost of a write to that table per logged statement); both kinds are read and trimmed the same way.
 */
public final class ChangeLog {

    /**
     * The operation code of the high-water mark: the last row a push sent, kept so the next id is above it. Never
     * a change.
     */
    static final int HIGH_WATER = 2;

    /** Creates the log. */
    static final String CREATE_LOG = "CREATE TABLE IF NOT EXISTS " + CaptureNames.LOG
            + " (id INTEGER PRIMARY KEY, txn INTEGER NOT NULL, time INTEGER NOT NULL,"
            + " tbl TEXT NOT NULL, op INTEGER NOT NULL, rid INTEGER, old TEXT, new TEXT, sql TEXT)";

    private static final String CHANGES = " op <> " + HIGH_WATER;
    private static final String LARGEST_ID = "SELECT coalesce(max(id), 0) FROM " + CaptureNames.LOG;
    private static final String UPDATES_AS_INSERTS = "UPDATE " + CaptureNames.LOG + " SET op = "
            + CaptureTriggers.INSERT + ", old = NULL WHERE id > ? AND op = " + CaptureTriggers.UPDATE;

    private ChangeLog() {
    }

    /**
     * Whether the log exists in the database the connection sees.
     *
     * @param connection the connection
     * @return whether capture is installed
     * @throws SQLException if reading fails
     */
    public static boolean exists(Connection connection) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?")) {
            query.setString(1, CaptureNames.LOG);
            try (ResultSet row = query.executeQuery()) {
                return row.next();
            }
        }
    }

    /**
     * Reads changes after an id, whole transactions only: at least {@code limit} changes unless the log ends
     * first, and then the rest of the last transaction.
     *
     * @param connection the connection
     * @param afterId    read changes with a greater id
     * @param limit      how many changes to aim for
     * @return the changes in id order
     * @throws SQLException if reading fails
     */
    public static List<CapturedChange> readAfter(Connection connection, long afterId, int limit)
            throws SQLException {
        return readBetween(connection, afterId, Long.MAX_VALUE, limit);
    }

    /**
     * As {@link #readAfter}, bounded above: a push only sends what was captured when it started, so writes that
     * keep coming cannot keep it running.
     *
     * @param connection the connection
     * @param afterId    read changes with a greater id
     * @param throughId  read changes up to this id
     * @param limit      how many changes to aim for
     * @return the changes in id order
     * @throws SQLException if reading fails
     */
    public static List<CapturedChange> readBetween(Connection connection, long afterId, long throughId, int limit)
            throws SQLException {
        List<CapturedChange> changes = new ArrayList<>();
        if (!exists(connection)) {
            return changes;
        }
        try (PreparedStatement query = connection.prepareStatement("SELECT id, txn, time, tbl, op, rid, old, new, sql"
                + " FROM " + CaptureNames.LOG + " WHERE id > ? AND id <= ? AND" + CHANGES + " ORDER BY id")) {
            query.setLong(1, afterId);
            query.setLong(2, throughId);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    CapturedChange change = read(rows);
                    if (changes.size() >= limit && change.transaction() != changes.get(changes.size() - 1)
                            .transaction()) {
                        break;
                    }
                    changes.add(change);
                }
            }
        }
        return changes;
    }

    /**
     * How many changes wait to be pushed.
     *
     * @param connection the connection
     * @return the count, 0 when capture is not installed
     * @throws SQLException if reading fails
     */
    public static long pendingCount(Connection connection) throws SQLException {
        if (!exists(connection)) {
            return 0;
        }
        // the high-water mark, when there is one, is the first row: count(*) stays a count of the b-tree
        return single(connection, "SELECT count(*) - (SELECT count(*) FROM (SELECT op FROM " + CaptureNames.LOG
                + " ORDER BY id LIMIT 1) WHERE op = " + HIGH_WATER + ") FROM " + CaptureNames.LOG);
    }

    /**
     * The id of the last change waiting to be pushed.
     *
     * @param connection the connection
     * @return the id, 0 if no change is pending (or there is no log)
     * @throws SQLException if reading fails
     */
    public static long lastChangeId(Connection connection) throws SQLException {
        if (!exists(connection)) {
            return 0;
        }
        // from the end: the high-water mark, when there is one, is the first row, so this reads one or two rows
        return single(connection, "SELECT coalesce((SELECT id FROM " + CaptureNames.LOG + " WHERE" + CHANGES
                + " ORDER BY id DESC LIMIT 1), 0)");
    }

    /**
     * The largest id in the log, the high-water mark's included: the last id handed out, unless the log is an
     * {@code AUTOINCREMENT} table of an earlier version (see {@link PendingLog}).
     *
     * @param connection the connection, to a database with the log
     * @return the id, 0 if the log is empty
     * @throws SQLException if reading fails
     */
    static long largestId(Connection connection) throws SQLException {
        return single(connection, LARGEST_ID);
    }

    /**
     * Prepares, on a connection whose database has the log, the statements a pull's replay runs around the local
     * inserts it keeps, once for the whole replay rather than once per insert.
     *
     * @param connection the replay's connection, inside its transaction
     * @return the statements; the caller closes them
     * @throws SQLException if SQLite refuses (the log is missing, for one)
     */
    public static KeptInserts keptInserts(Connection connection) throws SQLException {
        PreparedStatement lastId = connection.prepareStatement(LARGEST_ID);
        try {
            return new KeptInserts(lastId, connection.prepareStatement(UPDATES_AS_INSERTS));
        } catch (SQLException | RuntimeException e) {
            lastId.close();
            throw e;
        }
    }

    /**
     * A replayed local insert is an upsert; where the pulled state has the key, the upsert's update is what the
     * triggers see, and pushed as an update it would match nothing once another client deleted the row: the local
     * insert must stay an insert. So the updates the triggers log while kept inserts run are logged as inserts of
     * their new image. The replay tells where each run of consecutive kept inserts starts
     * ({@link #beforeKeptInsert()}) and ends ({@link #afterKeptInserts()}, before any other change and at the end):
     * where the log ended before the run is read once, and the updates it logged after that are turned into inserts
     * once, before anything else is replayed, rather than once per insert. Both statements are prepared once, by
     * {@link #keptInserts}.
     */
    public static final class KeptInserts implements AutoCloseable {

        private static final long NO_RUN = -1;
        private final PreparedStatement lastId;
        private final PreparedStatement updatesAsInserts;
        /** The last change id before the current run of kept inserts, or {@link #NO_RUN} outside one. */
        private long runStart = NO_RUN;

        private KeptInserts(PreparedStatement lastId, PreparedStatement updatesAsInserts) {
            this.lastId = lastId;
            this.updatesAsInserts = updatesAsInserts;
        }

        /**
         * Call before a kept insert is replayed: a run starts here unless the change before was a kept insert too.
         *
         * @throws SQLException if reading the log fails
         */
        public void beforeKeptInsert() throws SQLException {
            if (runStart == NO_RUN) {
                runStart = lastChangeId();
            }
        }

        /**
         * Call before any other change is replayed, and once every change was: ends the run of kept inserts, if one
         * is open, by logging the updates captured since it started as inserts of their new image.
         *
         * @throws SQLException if SQLite refuses
         */
        public void afterKeptInserts() throws SQLException {
            if (runStart == NO_RUN) {
                return;
            }
            updatesAsInserts.setLong(1, runStart);
            updatesAsInserts.executeUpdate();
            runStart = NO_RUN;
        }

        /**
         * The largest id in the log, as the connection's transaction sees it now: where the log ends after the
         * changes replayed so far.
         *
         * @return the id, 0 if the log is empty
         * @throws SQLException if reading fails
         */
        public long lastChangeId() throws SQLException {
            try (ResultSet row = lastId.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }

        @Override
        public void close() throws SQLException {
            try {
                lastId.close();
            } finally {
                updatesAsInserts.close();
            }
        }
    }

    /**
     * The highest transaction number in the log: that of its last change. Numbers follow change ids, since a
     * transaction takes its number with its first logged change, while it holds SQLite's write lock, and the client
     * numbers across all its connections (the replay's too) from one counter; so this reads one row, where
     * {@code max(txn)} would read the whole log (it has no index on {@code txn}) on every connection the client opens.
     *
     * @param connection the connection
     * @return the number, 0 if the log is empty
     * @throws SQLException if reading fails
     */
    public static long lastTransaction(Connection connection) throws SQLException {
        return single(connection, "SELECT coalesce((SELECT txn FROM " + CaptureNames.LOG
                + " ORDER BY id DESC LIMIT 1), 0)");
    }

    /**
     * Removes pushed changes, all but the last row of the log when it is one of them: that one becomes the
     * high-water mark, so the next id is above every pushed one. Both steps commit together (in the caller's
     * transaction, or in one of their own).
     *
     * @param connection the connection
     * @param throughId  the last pushed change id
     * @throws SQLException if writing fails
     */
    public static void deleteThrough(Connection connection, long throughId) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("SAVEPOINT tursosync_delete_through");
            try {
                deleteAllButLast(connection, throughId);
                statement.execute("RELEASE tursosync_delete_through");
            } catch (SQLException | RuntimeException e) {
                try {
                    statement.execute("ROLLBACK TO tursosync_delete_through");
                    statement.execute("RELEASE tursosync_delete_through");
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            }
        }
    }

    private static void deleteAllButLast(Connection connection, long throughId) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + CaptureNames.LOG
                + " WHERE id <= ? AND id < (SELECT max(id) FROM " + CaptureNames.LOG + ")");
             PreparedStatement mark = connection.prepareStatement("UPDATE " + CaptureNames.LOG + " SET op = "
                     + HIGH_WATER + ", tbl = '', rid = NULL, old = NULL, new = NULL, sql = NULL WHERE id <= ?")) {
            delete.setLong(1, throughId);
            delete.executeUpdate();
            mark.setLong(1, throughId);
            mark.executeUpdate();
        }
    }

    private static long single(Connection connection, String query) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(query)) {
            row.next();
            return row.getLong(1);
        }
    }

    /**
     * Every change of the log as stored (the high-water mark left out), for the rebase journal.
     *
     * @param connection the connection
     * @return the rows in id order, none when capture is not installed
     * @throws SQLException if reading fails
     */
    public static List<LogRow> readRows(Connection connection) throws SQLException {
        List<LogRow> rows = new ArrayList<>();
        if (!exists(connection)) {
            return rows;
        }
        try (Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT id, txn, time, tbl, op, rid, old, new, sql FROM "
                     + CaptureNames.LOG + " WHERE" + CHANGES + " ORDER BY id")) {
            while (result.next()) {
                rows.add(row(result));
            }
        }
        return rows;
    }

    private static CapturedChange read(ResultSet rows) throws SQLException {
        return row(rows).toChange();
    }

    private static LogRow row(ResultSet rows) throws SQLException {
        long rowid = rows.getLong(6);
        Long boxedRowid = rows.wasNull() ? null : rowid;
        return new LogRow(rows.getLong(1), rows.getLong(2), rows.getLong(3), rows.getString(4), rows.getInt(5),
                boxedRowid, rows.getString(7), rows.getString(8), rows.getString(9));
    }
}
