package dev.tursosync.bench.crash;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * What the parent reads from a reopened replica: the result of {@code PRAGMA integrity_check}, the suite rows and the
 * pending changes.
 *
 * @param integrity the integrity check's lines joined ({@code ok} when sound)
 * @param rows      the rows of both tables
 * @param pending   the rows with a pending change
 */
record ReplicaState(String integrity, TableRows rows, PendingChanges pending) {

    /**
     * Reads a replica.
     *
     * @param connection a connection to it
     * @return its state
     * @throws SQLException if reading fails
     */
    static ReplicaState read(Connection connection) throws SQLException {
        String integrity = integrityCheck(connection);
        if (!integrity.equals("ok")) {
            return new ReplicaState(integrity, null, null);
        }
        return new ReplicaState(integrity, TableRows.read(connection), PendingChanges.read(connection));
    }

    private static String integrityCheck(Connection connection) throws SQLException {
        List<String> lines = new ArrayList<>();
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("PRAGMA integrity_check")) {
            while (rows.next()) {
                lines.add(rows.getString(1));
            }
        }
        return String.join("\n", lines);
    }
}
