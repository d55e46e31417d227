package dev.tursosync.bench.micro;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import reactor.core.publisher.Flux;

/**
 * A range scan of {@value #ROWS} rows in id order, the bench's {@code local-scan} per row: {@code r2dbc} streams the
 * rows with backpressure (the consumer asks for {@value #DEMAND} at a time) and reads one value of each;
 * {@code jdbc} walks a {@code ResultSet} of the same query. Both return the sum of the lengths read.
 */
public class ScanBenchmark extends MicroBenchmark {

    static final int ROWS = 10_000;
    static final int DEMAND = 128;
    static final String SQL = "SELECT id, data FROM " + ScratchFile.ITEMS + " ORDER BY id LIMIT ?";

    private BothSides sides;
    private PreparedStatement scan;

    /**
     * Creates the file and opens both sides.
     *
     * @throws SQLException if SQLite fails
     */
    @Setup(Level.Trial)
    public void open() throws SQLException {
        sides = BothSides.on(ScratchFile.withItems(ROWS));
        scan = sides.jdbc().prepareStatement(SQL);
    }

    /**
     * Closes both sides and deletes the file.
     *
     * @throws SQLException if SQLite fails
     */
    @TearDown(Level.Trial)
    public void close() throws SQLException {
        sides.close();
    }

    /**
     * One scan through raw sqlite-jdbc.
     *
     * @return the sum of the lengths read
     * @throws SQLException if SQLite fails
     */
    @Benchmark
    @OperationsPerInvocation(ROWS)
    public long jdbc() throws SQLException {
        long lengths = 0;
        scan.setInt(1, ROWS);
        try (ResultSet rows = scan.executeQuery()) {
            while (rows.next()) {
                lengths += rows.getString(2).length();
            }
        }
        return lengths;
    }

    /**
     * One scan through the R2DBC driver.
     *
     * @return the sum of the lengths read
     */
    @Benchmark
    @OperationsPerInvocation(ROWS)
    public long r2dbc() {
        return Flux.from(sides.r2dbc().createStatement(SQL).bind(0, ROWS).execute())
                .flatMap(result -> result.map(row -> row.get(1, String.class).length()))
                .limitRate(DEMAND)
                .reduce(0L, Long::sum)
                .block();
    }
}
