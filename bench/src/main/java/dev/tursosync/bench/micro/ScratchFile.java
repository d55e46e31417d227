package dev.tursosync.bench.micro;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.sqlite.SQLiteConfig;

/**
 * A SQLite file in a folder of its own, in WAL mode, opened with the client's connection settings (busy timeout 10 s,
 * {@code wal_autocheckpoint = 0}); deleted with its folder on {@link #close()}.
 */
final class ScratchFile implements AutoCloseable {

    /** The read table: {@code items(id INTEGER PRIMARY KEY, data TEXT NOT NULL)}, ids 1 to n. */
    static final String ITEMS = "items";
    /** Characters of every text value. */
    static final int TEXT_LENGTH = 100;

    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    private final Path folder;
    private final Path path;

    private ScratchFile(Path folder) {
        this.folder = folder;
        this.path = folder.resolve("micro.db");
    }

    /**
     * Creates an empty file.
     *
     * @return the file
     */
    static ScratchFile create() {
        try {
            ScratchFile file = new ScratchFile(Files.createTempDirectory("tursosync-micro-"));
            file.open().close();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Creates a file whose {@value #ITEMS} table holds {@code rows} rows of {@value #TEXT_LENGTH} characters.
     *
     * @param rows how many rows
     * @return the file
     * @throws SQLException if SQLite fails
     */
    static ScratchFile withItems(int rows) throws SQLException {
        ScratchFile file = create();
        try (Connection connection = file.open()) {
            createTable(connection, ITEMS);
            connection.setAutoCommit(false);
            try (PreparedStatement insert = connection.prepareStatement(insert(ITEMS))) {
                Texts texts = new Texts(1);
                for (int i = 0; i < rows; i++) {
                    insert.setString(1, texts.next());
                    insert.executeUpdate();
                }
            }
            connection.commit();
        }
        return file;
    }

    /** The file's path. */
    Path path() {
        return path;
    }

    /**
     * Opens a JDBC connection with the client's settings.
     *
     * @return the connection, in auto-commit mode
     * @throws SQLException if SQLite fails
     */
    Connection open() throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(10_000);
        Connection connection = config.createConnection("jdbc:sqlite:" + path);
        try (Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA wal_autocheckpoint = 0");
            statement.execute("PRAGMA journal_mode = WAL");
        }
        return connection;
    }

    /** Creates {@code table(id INTEGER PRIMARY KEY, data TEXT NOT NULL)}. */
    static void createTable(Connection connection, String table) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE " + table + " (id INTEGER PRIMARY KEY, data TEXT NOT NULL)");
        }
    }

    /** The insert of one row's text, its id assigned by SQLite. */
    static String insert(String table) {
        return "INSERT INTO " + table + " (data) VALUES (?)";
    }

    /**
     * Inserts the texts in one transaction, one execution per row, and commits.
     *
     * @param connection a connection in auto-commit mode; left in auto-commit mode
     * @param insert     the insert of one row's text, prepared on it
     * @param texts      the rows' texts
     * @return the rows inserted
     * @throws SQLException if SQLite fails
     */
    static long insertInOneTransaction(Connection connection, PreparedStatement insert, List<String> texts)
            throws SQLException {
        connection.setAutoCommit(false);
        long rows = 0;
        for (String text : texts) {
            insert.setString(1, text);
            rows += insert.executeUpdate();
        }
        connection.commit();
        connection.setAutoCommit(true);
        return rows;
    }

    /**
     * The id point select number {@code i} reads: spread over the table, the same sequence as the bench's.
     *
     * @param i    the select's number
     * @param rows rows in the table
     * @return an id in 1 to rows
     */
    static long id(long i, int rows) {
        return 1 + (i * 7919L) % rows;
    }

    @Override
    public void close() {
        deleteFolder(folder);
    }

    /** Deletes a folder and everything in it. */
    static void deleteFolder(Path folder) {
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path each : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(each);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Texts of {@value #TEXT_LENGTH} letters and digits, from a seeded generator: runs write the same rows. */
    static final class Texts {
        private final SplittableRandom random;

        Texts(long seed) {
            this.random = new SplittableRandom(seed);
        }

        /** {@code count} texts of the generator seeded with {@code seed}. */
        static List<String> list(long seed, int count) {
            Texts texts = new Texts(seed);
            return IntStream.range(0, count).mapToObj(i -> texts.next()).toList();
        }

        String next() {
            char[] text = new char[TEXT_LENGTH];
            for (int i = 0; i < text.length; i++) {
                text[i] = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
            }
            return new String(text);
        }
    }
}
