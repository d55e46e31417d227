package dev.tursosync.bench.fault;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a closed replica's files with plain SQLite (sqlite-jdbc): a copy of the database and its WAL is opened, so
 * the replica itself is never touched, and SQLite recovers the WAL as the client would.
 *
 * @param integrity the rows of {@code PRAGMA integrity_check}: just {@code ok} for a sound file
 * @param rows      the suite's tables as {@link FaultTables#ROW_QUERIES} give them
 */
record DatabaseFiles(List<String> integrity, List<String> rows) {

    /**
     * Copies a replica's database and WAL into a new folder and reads them.
     *
     * @param db      the replica's database file (closed)
     * @param scratch where to make the copy
     * @return what the copy holds
     * @throws IOException  if copying fails
     * @throws SQLException if SQLite cannot open or read the copy
     */
    static DatabaseFiles check(Path db, Path scratch) throws IOException, SQLException {
        Path folder = Files.createTempDirectory(Files.createDirectories(scratch), db.getFileName().toString());
        Path copy = folder.resolve("copy.db");
        Files.copy(db, copy);
        Path wal = db.resolveSibling(db.getFileName() + "-wal");
        if (Files.exists(wal)) {
            Files.copy(wal, folder.resolve("copy.db-wal"));
        }
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + copy);
             Statement statement = connection.createStatement()) {
            List<String> integrity = texts(statement, "PRAGMA integrity_check");
            List<String> rows = new ArrayList<>();
            for (String query : FaultTables.ROW_QUERIES) {
                rows.addAll(texts(statement, query));
            }
            return new DatabaseFiles(integrity, rows);
        }
    }

    private static List<String> texts(Statement statement, String sql) throws SQLException {
        List<String> texts = new ArrayList<>();
        try (ResultSet result = statement.executeQuery(sql)) {
            while (result.next()) {
                texts.add(result.getString(1));
            }
        }
        return texts;
    }
}
