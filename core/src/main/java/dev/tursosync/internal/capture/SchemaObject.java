package dev.tursosync.internal.capture;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
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

    private static Map<String, SchemaObject> read(Connection connection, String query) throws SQLException {
        Map<String, SchemaObject> objects = new LinkedHashMap<>();
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(query)) {
            while (rows.next()) {
                SchemaObject object = new SchemaObject(rows.getString(1), rows.getString(2), rows.getString(3),
                        rows.getLong(4), rows.getString(5));
                if (!CaptureNames.isInternal(object.name()) && !CaptureNames.isInternal(object.table())) {
                    objects.put(object.name(), object);
                }
            }
        }
        return objects;
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
