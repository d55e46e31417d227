package dev.tursosync.bench.micro;

import dev.tursosync.ChangeEvent;
import dev.tursosync.internal.events.ChangeEventDecoder;
import dev.tursosync.internal.sqlite.PageNumberSet;
import dev.tursosync.internal.sqlite.PageSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The pull's event decoding per changed row, the largest part of the bench's {@code pull-10k} that is the client's
 * own: the old and new page images of {@code rows(id INTEGER PRIMARY KEY, data TEXT NOT NULL)},
 * {@value #TABLE_ROWS} rows of {@value #TEXT_LENGTH} hex characters, of which the {@value #CHANGED_ROWS} rows from
 * id {@value #FIRST_CHANGED} got new data (the bench's remote table and update), decoded into change events by the decoder a client uses
 * ({@link ChangeEventDecoder#decode}, the pull's entry point, with the default reset share). Both states are written
 * by SQLite into two files once, at setup, and held in memory, so an operation is CPU only. Returns the events.
 */
public class EventDecodingBenchmark extends MicroBenchmark {

    static final int TABLE_ROWS = 50_000;
    static final int CHANGED_ROWS = 10_000;
    static final int FIRST_CHANGED = 20_001;
    static final int TEXT_LENGTH = 100;
    static final String TABLE = "rows";
    /** The client's default {@code resetShare}. */
    static final double RESET_SHARE = 0.5;

    private Path folder;
    private Path beforeFile;
    private Path afterFile;
    private PageSource before;
    private PageSource after;
    private PageNumberSet changed;
    private ChangeEventDecoder decoder;

    /**
     * Writes the table, copies the file, updates the copy, and reads both files' pages into memory.
     *
     * @throws SQLException if SQLite fails
     */
    @Setup(Level.Trial)
    public void open() throws SQLException {
        try {
            folder = Files.createTempDirectory("tursosync-micro-decode-");
            beforeFile = folder.resolve("before.db");
            afterFile = folder.resolve("after.db");
            try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + beforeFile);
                 Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE " + TABLE + " (id INTEGER PRIMARY KEY, data TEXT NOT NULL)");
                statement.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < "
                        + TABLE_ROWS + ") INSERT INTO " + TABLE + " SELECT i, hex(randomblob(" + TEXT_LENGTH / 2
                        + ")) FROM n");
            }
            Files.copy(beforeFile, afterFile);
            try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + afterFile);
                 Statement statement = connection.createStatement()) {
                statement.execute("UPDATE " + TABLE + " SET data = hex(randomblob(" + TEXT_LENGTH / 2
                        + ")) WHERE id BETWEEN " + FIRST_CHANGED + " AND " + (FIRST_CHANGED + CHANGED_ROWS - 1));
            }
            byte[][] oldPages = pages(Files.readAllBytes(beforeFile));
            byte[][] newPages = pages(Files.readAllBytes(afterFile));
            before = source(oldPages);
            after = source(newPages);
            changed = new PageNumberSet();
            for (int i = 0; i < newPages.length; i++) {
                if (i >= oldPages.length || !Arrays.equals(oldPages[i], newPages[i])) {
                    changed.add(i + 1);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        decoder = new ChangeEventDecoder(RESET_SHARE);
    }

    /** Deletes the files. */
    @TearDown(Level.Trial)
    public void close() {
        ScratchFile.deleteFolder(folder);
    }

    /**
     * Decodes the pull's events.
     *
     * @return the events, one UPDATE per changed row
     */
    @Benchmark
    @OperationsPerInvocation(CHANGED_ROWS)
    public List<ChangeEvent> decode() {
        return decoder.decode(before, after, changed);
    }

    /** The file before the update, for the tests. */
    Path beforeFile() {
        return beforeFile;
    }

    /** The file after the update, for the tests. */
    Path afterFile() {
        return afterFile;
    }

    /** The number of changed pages, for the tests. */
    int changedPages() {
        return changed.size();
    }

    private static byte[][] pages(byte[] file) {
        int pageSize = ((file[16] & 0xff) << 8) | (file[17] & 0xff);
        int size = pageSize == 1 ? 65_536 : pageSize;
        byte[][] pages = new byte[file.length / size][];
        for (int i = 0; i < pages.length; i++) {
            pages[i] = Arrays.copyOfRange(file, i * size, (i + 1) * size);
        }
        return pages;
    }

    private static PageSource source(byte[][] pages) {
        return page -> page >= 1 && page <= pages.length ? pages[(int) page - 1] : null;
    }
}
