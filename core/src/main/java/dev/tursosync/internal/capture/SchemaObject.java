package dev.tursosync.internal.capture;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One user object of the schema: a table, index, view or trigger.
 *
 * @param type     {@code table}, {@code index}, {@code view} or {@code trigger}
 * @param name     its name
 * @param table    the table it belongs to (its own name for a table or view)
 * @param rootPage its root page (0 for views and triggers)
 * @param sql      the {@code CREATE} statement SQLite keeps
 */
public record SchemaObject(String type, String name, String table, long rootPage, String sql) {

    /**
     * The user objects of the live schema, in schema order (internal objects and automatic indexes left out).
     *
     * @param connection the connection
     * @return the objects by name
     * @throws SQLException if reading fails
     */
    public static Map<String, SchemaObject> readLive(Connection connection) throws SQLException {
        return read(connection, "SELECT type, name, tbl_name, rootpage, sql FROM sqlite_schema WHERE sql IS NOT NULL");
    }

    /**
     * The objects recorded in the capture's snapshot table.
     *
     * @param connection the connection
     * @return the objects by name
     * @throws SQLException if reading fails
     */
    public static Map<String, SchemaObject> readSnapshot(Connection connection) throws SQLException {
        return read(connection, "SELECT type, name, tbl, rootpage, sql FROM " + CaptureNames.SCHEMA
                + " ORDER BY seq");
    }

    /**
     * Every row of {@code sqlite_schema} as it is stored, SQLite's and the client's objects included (the SQL of an
     * automatic index is {@code null}), in the order SQLite scans it.
     *
     * @param connection the connection
     * @return the rows
     * @throws SQLException if reading fails
     */
    public static List<SchemaObject> readAll(Connection connection) throws SQLException {
        return rows(connection, "SELECT type, name, tbl_name, rootpage, sql FROM sqlite_schema");
    }

    /**
     * The user objects among rows of {@code sqlite_schema}, as {@link #readLive} reads them.
     *
     * @param all rows as {@link #readAll} reads them
     * @return the objects by name, in the rows' order
     */
    public static Map<String, SchemaObject> userObjects(List<SchemaObject> all) {
        Map<String, SchemaObject> objects = new LinkedHashMap<>();
        for (SchemaObject object : all) {
            if (object.sql() != null && !CaptureNames.isInternal(object.name())
                    && !CaptureNames.isInternal(object.table())) {
                objects.put(object.name(), object);
            }
        }
        return objects;
    }

    private static Map<String, SchemaObject> read(Connection connection, String query) throws SQLException {
        return userObjects(rows(connection, query));
    }

    private static List<SchemaObject> rows(Connection connection, String query) throws SQLException {
        List<SchemaObject> rows = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(query)) {
            while (row.next()) {
                rows.add(new SchemaObject(row.getString(1), row.getString(2), row.getString(3), row.getLong(4),
                        row.getString(5)));
            }
        }
        return rows;
    }

    /**
     * Whether this is a table.
     *
     * @return whether {@code type} is {@code table}
     */
    public boolean isTable() {
        return "table".equals(type);
    }
}
