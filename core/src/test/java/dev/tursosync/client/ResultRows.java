package dev.tursosync.client;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Reads a JDBC result into lists, with integers widened to {@code Long} to compare with remote rows. */
public final class ResultRows {

    private ResultRows() {
    }

    /**
     * Reads every row of a result.
     *
     * @param rows the result, before its first row
     * @return its rows, each as its values in column order
     * @throws SQLException if reading fails
     */
    public static List<List<Object>> read(ResultSet rows) throws SQLException {
        List<List<Object>> result = new ArrayList<>();
        int columns = rows.getMetaData().getColumnCount();
        while (rows.next()) {
            List<Object> row = new ArrayList<>();
            for (int i = 1; i <= columns; i++) {
                Object value = rows.getObject(i);
                row.add(value instanceof Integer n ? Long.valueOf(n) : value);
            }
            result.add(row);
        }
        return result;
    }
}
