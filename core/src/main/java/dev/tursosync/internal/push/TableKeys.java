package dev.tursosync.internal.push;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The primary-key and column names of local tables, read once per push (or per schema change of a replay), and the
 * statement texts built from them ({@link StatementTexts}), which live exactly as long as the names do.
 */
public final class TableKeys {

    /** A table's names, as replay needs them. */
    private record Names(List<String> primaryKey, List<String> columns) {
    }

    private static final Names NONE = new Names(List.of(), List.of());
    private final Map<String, Names> tables = new HashMap<>();
    private final StatementTexts texts = new StatementTexts();

    /**
     * Reads the primary key and the columns of every table named.
     *
     * @param connection the connection
     * @param tables     the tables
     * @return the keys
     * @throws SQLException if reading fails
     */
    public static TableKeys read(Connection connection, Iterable<String> tables) throws SQLException {
        TableKeys result = new TableKeys();
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT name, pk FROM pragma_table_xinfo(?) ORDER BY cid")) {
            for (String table : tables) {
                if (result.tables.containsKey(table)) {
                    continue;
                }
                query.setString(1, table);
                List<String> columns = new ArrayList<>();
                Map<Integer, String> key = new java.util.TreeMap<>();
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        columns.add(rows.getString(1));
                        if (rows.getInt(2) > 0) {
                            key.put(rows.getInt(2), rows.getString(1));
                        }
                    }
                }
                result.tables.put(table, new Names(List.copyOf(key.values()), List.copyOf(columns)));
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
        return tables.getOrDefault(table, NONE).primaryKey();
    }

    /**
     * The columns of a table, hidden and generated ones included (they still shadow the row-id aliases).
     *
     * @param table the table
     * @return the column names, empty for a table that no longer exists
     */
    public List<String> columns(String table) {
        return tables.getOrDefault(table, NONE).columns();
    }

    /** The texts of the statements generated with these names. */
    StatementTexts texts() {
        return texts;
    }
}
