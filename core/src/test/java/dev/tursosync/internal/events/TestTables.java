package dev.tursosync.internal.events;

import dev.tursosync.internal.sqlite.DatabaseHeader;
import dev.tursosync.internal.sqlite.LeafRows;
import dev.tursosync.internal.sqlite.PageSource;
import dev.tursosync.internal.sqlite.SchemaReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;

/** Small databases written by SQLite for the tests. */
final class TestTables {

    private TestTables() {
    }

    /**
     * Runs statements on a database, one connection for all.
     *
     * @param file       the database file, created if missing
     * @param statements the SQL
     */
    static void run(Path file, String... statements) {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Runs the statements on a new database and decodes the root page of a table (a small table's only leaf).
     *
     * @param file       the database file to create
     * @param table      the table
     * @param statements SQL creating and filling it
     * @return the rows of the table's root leaf
     */
    static LeafRows rootLeaf(Path file, String table, String... statements) {
        run(file, statements);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        PageSource source = page -> page * 4096 <= bytes.length
                ? Arrays.copyOfRange(bytes, (int) (page - 1) * 4096, (int) page * 4096) : null;
        long root = SchemaReader.read(source).stream().filter(entry -> entry.name().equals(table)).findFirst()
                .orElseThrow().rootPage();
        return LeafRows.read(source, root, DatabaseHeader.read(source));
    }
}
