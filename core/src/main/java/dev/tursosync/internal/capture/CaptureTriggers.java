package dev.tursosync.internal.capture;

import static dev.tursosync.internal.sql.Identifiers.literal;
import static dev.tursosync.internal.sql.Identifiers.quote;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The three triggers that log a table's inserts, updates and deletes into {@value CaptureNames#LOG}, in the same
 * transaction as the change. Row images are JSON objects keyed by column name (so a later {@code ALTER TABLE} does
 * not shift them); blobs are written as {@code {"$b": "<hex>"}} because JSON has no binary type.
 */
public final class CaptureTriggers {

    /** Operation codes in the log. */
    public static final int INSERT = 1;
    /** Operation codes in the log. */
    public static final int UPDATE = 0;
    /** Operation codes in the log. */
    public static final int DELETE = -1;
    /** Operation codes in the log. */
    public static final int SCHEMA = 3;

    private CaptureTriggers() {
    }

    /**
     * Drops this table's capture triggers if present and creates them for its current columns.
     *
     * @param connection the connection (inside the caller's transaction)
     * @param table      the table
     * @throws SQLException if SQLite refuses
     */
    public static void install(Connection connection, CapturedTable table) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String sql : installStatements(connection, table)) {
                statement.execute(sql);
            }
        }
    }

    /**
     * The statements {@link #install} runs: drop this table's capture triggers if present (those of its name, and
     * those a rename left attached to it under an old name), then create them for its current columns.
     *
     * @param connection the connection (inside the caller's transaction), to find the triggers attached to the table
     * @param table      the table
     * @return the statements, in order
     * @throws SQLException if reading fails
     */
    static List<String> installStatements(Connection connection, CapturedTable table) throws SQLException {
        List<String> attached = new java.util.ArrayList<>();
        try (java.sql.PreparedStatement query = connection.prepareStatement("SELECT name FROM sqlite_schema WHERE "
                + "type = 'trigger' AND tbl_name = ? AND substr(name, 1, " + CaptureNames.PREFIX.length() + ") = ?")) {
            query.setString(1, table.name());
            query.setString(2, CaptureNames.PREFIX);
            try (java.sql.ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    attached.add(rows.getString(1));
                }
            }
        }
        List<String> statements = new java.util.ArrayList<>(dropStatements(table.name()));
        // a renamed table keeps the triggers of its old name, which would log its rows under that name
        for (String trigger : attached) {
            statements.add("DROP TRIGGER IF EXISTS " + quote(trigger));
        }
        statements.add(trigger(table, "INSERT", INSERT, null, "new"));
        statements.add(trigger(table, "UPDATE", UPDATE, "old", "new"));
        statements.add(trigger(table, "DELETE", DELETE, "old", null));
        return statements;
    }

    /**
     * Logs every row the table holds now as an insert, as its insert trigger would have: for a table that capture
     * sees only after rows were written to it (created on a connection the client does not own, or by
     * {@code CREATE TABLE ... AS SELECT}, whose rows no trigger saw). Call right after its creation is logged.
     *
     * @param connection the connection (inside the caller's transaction)
     * @param table      the table
     * @return how many rows were logged
     * @throws SQLException if SQLite refuses
     */
    public static int logExistingRows(Connection connection, CapturedTable table) throws SQLException {
        String row = "r";
        String rowid = table.rowidAlias() == null ? "NULL" : row + "." + quote(table.rowidAlias());
        try (Statement statement = connection.createStatement()) {
            return statement.executeUpdate("INSERT INTO " + CaptureNames.LOG + "(txn, time, tbl, op, rid, old, new) "
                    + "SELECT " + CaptureNames.TXN_FUNCTION + "(), unixepoch(), " + literal(table.name()) + ", "
                    + INSERT + ", " + rowid + ", NULL, " + image(table, row, false) + " FROM " + quote(table.name())
                    + " AS " + row + (table.rowidAlias() == null ? "" : " ORDER BY " + rowid));
        }
    }

    /**
     * Drops this table's capture triggers if present.
     *
     * @param statement a statement of the connection
     * @param table     the table name
     * @throws SQLException if SQLite refuses
     */
    public static void drop(Statement statement, String table) throws SQLException {
        for (String sql : dropStatements(table)) {
            statement.execute(sql);
        }
    }

    private static List<String> dropStatements(String table) {
        return List.of("INSERT", "UPDATE", "DELETE").stream()
                .map(operation -> "DROP TRIGGER IF EXISTS " + quote(triggerName(table, operation)))
                .toList();
    }

    /**
     * Whether a schema object is one of these triggers.
     *
     * @param name the object name
     * @return whether capture owns it
     */
    public static boolean isCaptureTrigger(String name) {
        return name.startsWith(CaptureNames.PREFIX);
    }

    private static String triggerName(String table, String operation) {
        return CaptureNames.PREFIX + operation.toLowerCase(java.util.Locale.ROOT) + "_" + table;
    }

    private static String trigger(CapturedTable table, String operation, int code, String before, String after) {
        String rowid = table.rowidAlias() == null ? "NULL"
                : (after != null ? after : before) + "." + quote(table.rowidAlias());
        return "CREATE TRIGGER " + quote(triggerName(table.name(), operation))
                + " AFTER " + operation + " ON " + quote(table.name()) + " BEGIN "
                + "INSERT INTO " + CaptureNames.LOG + "(txn, time, tbl, op, rid, old, new) VALUES ("
                + CaptureNames.TXN_FUNCTION + "(), unixepoch(), " + literal(table.name()) + ", " + code + ", "
                + rowid + ", " + image(table, before, false) + ", " + image(table, after, true) + "); END";
    }

    /**
     * The JSON image of a row, {@code NULL} without one.
     *
     * @param written whether the row is the one the statement has just written ({@code new}): SQLite checked it
     *                against a {@code STRICT} table's declared types, so its typed columns need no blob check. A row
     *                read back ({@code old}, or an existing row) keeps every check: the pages a pull brings were not
     *                written through this SQLite, and an image that fails would fail the statement.
     */
    private static String image(CapturedTable table, String row, boolean written) {
        if (row == null) {
            return "NULL";
        }
        return table.columns().stream()
                .map(column -> literal(column) + ", " + (column.equals(table.rowidAlias())
                        || column.equals(table.integerKey()) || written && table.typed().contains(column)
                        ? row + "." + quote(column)
                        : value(row + "." + quote(column))))
                .collect(Collectors.joining(", ", "json_object(", ")"));
    }

    /**
     * A column's value for the image; the row id (its alias, or the {@code INTEGER PRIMARY KEY} column that is the
     * row id) is always an integer and needs no blob check. Any other column can hold a blob whatever its declared
     * type, so the check stays for each of them. It is a comparison rather than
     * {@code typeof(x) = 'blob'}: SQLite sorts NULL, then numbers, then text, then blobs, and the empty blob is the
     * smallest blob, so {@code x >= x''} holds for every blob and for nothing else (NULL gives NULL, which
     * {@code iif} takes as false), whatever the column's affinity or collation (neither applies between storage
     * classes). Same result, no function call: about 0.08 µs less per logged row (docs/benchmarks.md, "Capture
     * overhead, part by part").
     */
    private static String value(String expression) {
        return "iif(" + expression + " >= x'', json_object('$b', hex(" + expression + ")), " + expression + ")";
    }
}
