package dev.tursosync.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Inserts rows of random text into {@code table(id INTEGER PRIMARY KEY, data TEXT)} over JDBC, in one transaction,
 * with one prepared statement; the same code for every local-write measurement.
 */
final class LocalRows {

    private LocalRows() {
    }

    /**
     * Inserts the rows and commits.
     *
     * @param connection a connection in auto-commit mode; left in auto-commit mode
     * @param table      the table
     * @param rows       how many rows
     * @param text       where the text comes from
     * @param length     characters per row
     * @return how long the transaction took, from its start to the end of the commit, in milliseconds
     * @throws SQLException if SQLite fails; the transaction is rolled back
     */
    static double insert(Connection connection, String table, int rows, RandomText text, int length)
            throws SQLException {
        long start = System.nanoTime();
        connection.setAutoCommit(false);
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table + " (data) VALUES (?)")) {
            for (int i = 0; i < rows; i++) {
                insert.setString(1, text.next(length));
                insert.executeUpdate();
            }
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
        return Millis.since(start);
    }
}
