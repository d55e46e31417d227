package dev.tursosync.internal.push;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The primary-key columns of local tables, read once per push. */
public final class TableKeys {

    private final Map<String, List<String>> keys = new HashMap<>();

    /**
     * Reads the primary key of every table named.
     *
     * @param connection the connection
     * @param tables     the tables
     * @return the keys
     * @throws SQLException if reading fails
     */
    public static TableKeys read(Connection connection, Iterable<String> tables) throws SQLException {
        TableKeys result = new TableKeys();
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk")) {
            for (String table : tables) {
                if (result.keys.containsKey(table)) {
                    continue;
                }
                query.setString(1, table);
                List<String> columns = new ArrayList<>();
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        columns.add(rows.getString(1));
                    }
                }
                result.keys.put(table, List.copyOf(columns));
            }
        }
        return result;
    }

    /**
     * The primary-key columns of a table, in key order.
     *
     * @param table the table
     * @return the columns, empty for a table without a declared primary key (or one that no longer exists)
     */
    public List<String> of(String table) {
        return keys.getOrDefault(table, List.of());
    }
}
