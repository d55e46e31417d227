package dev.tursosync.bench.crash;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import java.util.TreeSet;

/**
 * The suite rows that a replica's change log ({@code tursosync_changes}) still has to push: the keys of
 * {@link CrashTables#KV} and the tags of {@link CrashTables#LOG} named by a pending change.
 *
 * @param keys key-value rows with a pending change
 * @param logs log tags with a pending change (in the row before or after)
 */
record PendingChanges(Set<Long> keys, Set<String> logs) {

    private static final String QUERY = "SELECT tbl, rid, json_extract(old, '$.payload'),"
            + " json_extract(new, '$.payload') FROM tursosync_changes WHERE tbl IN ('" + CrashTables.KV + "', '"
            + CrashTables.LOG + "')";

    /**
     * Reads the change log; a replica without one has nothing pending.
     *
     * @param connection a connection to the replica
     * @return the pending rows
     * @throws SQLException if reading fails
     */
    static PendingChanges read(Connection connection) throws SQLException {
        Set<Long> keys = new TreeSet<>();
        Set<String> logs = new TreeSet<>();
        try (Statement statement = connection.createStatement()) {
            try (ResultSet exists = statement.executeQuery(
                    "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'tursosync_changes'")) {
                if (!exists.next()) {
                    return new PendingChanges(keys, logs);
                }
            }
            try (ResultSet rows = statement.executeQuery(QUERY)) {
                while (rows.next()) {
                    if (rows.getString(1).equals(CrashTables.KV)) {
                        keys.add(rows.getLong(2));
                    } else {
                        for (int column = 3; column <= 4; column++) {
                            String tag = rows.getString(column);
                            if (tag != null) {
                                logs.add(tag);
                            }
                        }
                    }
                }
            }
        }
        return new PendingChanges(keys, logs);
    }
}
