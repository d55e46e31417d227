package dev.tursosync.bench.crash;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The rows of both suite tables in one database (local or remote): key to tag for {@link CrashTables#KV}, and how
 * often each tag occurs in {@link CrashTables#LOG}.
 *
 * @param values key to the tag of its payload
 * @param logs   tag to the number of rows holding it
 */
record TableRows(Map<Long, String> values, Map<String, Integer> logs) {

    /** The query of the key-value rows: id, payload. */
    static final String VALUES_QUERY = "SELECT id, payload FROM " + CrashTables.KV + " ORDER BY id";
    /** The query of the log rows: payload. */
    static final String LOGS_QUERY = "SELECT payload FROM " + CrashTables.LOG;

    /**
     * Reads both tables over JDBC.
     *
     * @param connection a connection
     * @return the rows
     * @throws SQLException if reading fails
     */
    static TableRows read(Connection connection) throws SQLException {
        Map<Long, String> values = new TreeMap<>();
        Map<String, Integer> logs = new TreeMap<>();
        try (Statement statement = connection.createStatement()) {
            try (ResultSet rows = statement.executeQuery(VALUES_QUERY)) {
                while (rows.next()) {
                    values.put(rows.getLong(1), CrashTables.tagOf(rows.getString(2)));
                }
            }
            try (ResultSet rows = statement.executeQuery(LOGS_QUERY)) {
                while (rows.next()) {
                    logs.merge(rows.getString(1), 1, Integer::sum);
                }
            }
        }
        return new TableRows(values, logs);
    }

    /**
     * Builds the rows from query results of another source (the remote).
     *
     * @param valueRows rows of {@link #VALUES_QUERY}
     * @param logRows   rows of {@link #LOGS_QUERY}
     * @return the rows
     */
    static TableRows of(List<List<Object>> valueRows, List<List<Object>> logRows) {
        Map<Long, String> values = new TreeMap<>();
        Map<String, Integer> logs = new TreeMap<>();
        for (List<Object> row : valueRows) {
            values.put(((Number) row.get(0)).longValue(), CrashTables.tagOf((String) row.get(1)));
        }
        for (List<Object> row : logRows) {
            logs.merge((String) row.get(0), 1, Integer::sum);
        }
        return new TableRows(values, logs);
    }

    /**
     * The rows a local writer owns.
     *
     * @param writer the writer
     * @return its key-value rows and log tags
     */
    WriterRows of(int writer) {
        Map<Long, String> own = new TreeMap<>();
        values.forEach((key, tag) -> {
            if (CrashTables.ownerOfKey(key) == writer) {
                own.put(key, tag);
            }
        });
        TreeSet<String> ownLogs = new TreeSet<>();
        logs.keySet().stream().filter(tag -> CrashTables.ownerOfTag(tag) == writer).forEach(ownLogs::add);
        return new WriterRows(own, ownLogs);
    }

    /**
     * The log tags held more than once.
     *
     * @return tag to count, for counts above one
     */
    Map<String, Integer> duplicateLogs() {
        Map<String, Integer> duplicates = new TreeMap<>();
        logs.forEach((tag, count) -> {
            if (count > 1) {
                duplicates.put(tag, count);
            }
        });
        return duplicates;
    }
}
