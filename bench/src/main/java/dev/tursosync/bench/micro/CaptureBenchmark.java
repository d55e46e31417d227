package dev.tursosync.bench.micro;

import dev.tursosync.internal.capture.ChangeCapture;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The cost of change capture per insert, the bench's {@code capture-overhead} per row: one transaction of
 * {@value #ROWS} inserts of {@value ScratchFile#TEXT_LENGTH} characters into {@code rows(id INTEGER PRIMARY KEY, data
 * TEXT NOT NULL)} through one prepared statement, on a {@code plain} file or on one where the client's
 * {@link ChangeCapture} installed its triggers, log and transaction numbering ({@code capture}), as on every
 * connection of a replica. Every iteration starts on a new file. Returns the number of rows inserted.
 */
public class CaptureBenchmark extends MicroBenchmark {

    static final int ROWS = 10_000;
    static final String TABLE = "rows";

    /** {@code plain}, or {@code capture}: the client's capture installed on the connection. */
    @Param({"plain", "capture"})
    public String variant;

    private final List<String> texts = ScratchFile.Texts.list(3, ROWS);
    private ScratchFile file;
    private Connection connection;
    private PreparedStatement insert;

    /**
     * A new file with the empty table, capture installed for {@code capture}.
     *
     * @throws SQLException if SQLite fails
     */
    @Setup(Level.Iteration)
    public void open() throws SQLException {
        file = ScratchFile.create();
        connection = file.open();
        ScratchFile.createTable(connection, TABLE);
        if (variant.equals("capture")) {
            new ChangeCapture().initialize(connection);
        }
        insert = connection.prepareStatement(ScratchFile.insert(TABLE));
    }

    /**
     * Closes the connection and deletes the file.
     *
     * @throws SQLException if SQLite fails
     */
    @TearDown(Level.Iteration)
    public void close() throws SQLException {
        insert.close();
        connection.close();
        file.close();
    }

    /**
     * One transaction of {@value #ROWS} inserts.
     *
     * @return the rows inserted
     * @throws SQLException if SQLite fails
     */
    @Benchmark
    @OperationsPerInvocation(ROWS)
    public long insert() throws SQLException {
        return ScratchFile.insertInOneTransaction(connection, insert, texts);
    }

    /** The connection, for the tests. */
    Connection connection() {
        return connection;
    }
}
