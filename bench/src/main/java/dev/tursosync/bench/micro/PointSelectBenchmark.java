package dev.tursosync.bench.micro;

import dev.tursosync.r2dbc.TursoConnectionFactory;
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
 * Point selects by primary key from one subscriber, the bench's {@code local-select-1} per select: the same text,
 * the same ids, one value read per row. {@code r2dbc} issues each select from the previous one's completion, as the
 * bench's {@code concatMap} does, through one R2DBC connection of {@link TursoConnectionFactory#local}; {@code jdbc}
 * runs a statement prepared once on a connection with the same settings. Each invocation makes {@value #SELECTS}
 * selects and returns the sum of the lengths read, which both compute alike.
 */
public class PointSelectBenchmark extends MicroBenchmark {

    static final int ROWS = 10_000;
    static final int SELECTS = 1_000;
    static final String SQL = "SELECT id, data FROM " + ScratchFile.ITEMS + " WHERE id = ?";

    private BothSides sides;
    private PreparedStatement select;
    private long next;

    /**
     * Creates the file and opens both sides; the R2DBC connection runs one select so its pool holds a connection.
     *
     * @throws SQLException if SQLite fails
     */
    @Setup(Level.Trial)
    public void open() throws SQLException {
        sides = BothSides.on(ScratchFile.withItems(ROWS));
        select = sides.jdbc().prepareStatement(SQL);
        r2dbcSelects(0, 1);
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
     * {@value #SELECTS} selects through raw sqlite-jdbc.
     *
     * @return the sum of the lengths read
     * @throws SQLException if SQLite fails
     */
    @Benchmark
    @OperationsPerInvocation(SELECTS)
    public long jdbc() throws SQLException {
        long first = next;
        next += SELECTS;
        return jdbcSelects(first, SELECTS);
    }

    /**
     * {@value #SELECTS} selects through the R2DBC driver, each issued from the previous one's completion.
     *
     * @return the sum of the lengths read
     */
    @Benchmark
    @OperationsPerInvocation(SELECTS)
    public long r2dbc() {
        long first = next;
        next += SELECTS;
        return r2dbcSelects(first, SELECTS);
    }

    long jdbcSelects(long first, int count) throws SQLException {
        long lengths = 0;
        for (long i = first; i < first + count; i++) {
            select.setLong(1, ScratchFile.id(i, ROWS));
            try (ResultSet row = select.executeQuery()) {
                row.next();
                lengths += row.getString(2).length();
            }
        }
        return lengths;
    }

    long r2dbcSelects(long first, int count) {
        return Flux.range(0, count)
                .concatMap(k -> Flux.from(sides.r2dbc().createStatement(SQL).bind(0, ScratchFile.id(first + k, ROWS))
                                .execute())
                        .flatMap(result -> result.map(row -> row.get(1, String.class)))
                        .single())
                .reduce(0L, (sum, data) -> sum + data.length())
                .block();
    }
}
