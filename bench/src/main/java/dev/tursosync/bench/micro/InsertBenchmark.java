package dev.tursosync.bench.micro;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.Result;
import io.r2dbc.spi.Statement;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Inserts in one transaction, the bench's {@code local-insert-tx} and {@code local-insert-batch} per row: each
 * invocation inserts {@value #ROWS} rows of {@value ScratchFile#TEXT_LENGTH} characters and commits, one statement
 * execution per row ({@code jdbcRows}, {@code r2dbcRows}) or in batches of {@value #BATCH} ({@code jdbcBatches}:
 * {@code addBatch}; {@code r2dbcBatches}: {@code Statement.add()}). The texts are made before the measurement; every
 * iteration starts on a new file. Each returns the number of rows inserted.
 */
public class InsertBenchmark extends MicroBenchmark {

    static final int ROWS = 10_000;
    static final int BATCH = 100;
    static final String TABLE = "writes";
    static final String SQL = ScratchFile.insert(TABLE);

    private final List<String> texts = ScratchFile.Texts.list(2, ROWS);
    private BothSides sides;
    private java.sql.Connection jdbc;
    private PreparedStatement insert;
    private Connection r2dbc;

    /**
     * A new file with an empty table, and both sides open on it.
     *
     * @throws SQLException if SQLite fails
     */
    @Setup(Level.Iteration)
    public void open() throws SQLException {
        sides = BothSides.on(ScratchFile.create());
        jdbc = sides.jdbc();
        r2dbc = sides.r2dbc();
        ScratchFile.createTable(jdbc, TABLE);
        insert = jdbc.prepareStatement(SQL);
    }

    /**
     * Closes both sides and deletes the file.
     *
     * @throws SQLException if SQLite fails
     */
    @TearDown(Level.Iteration)
    public void close() throws SQLException {
        sides.close();
    }

    /**
     * One transaction through raw sqlite-jdbc, one execution per row.
     *
     * @return the rows inserted
     * @throws SQLException if SQLite fails
     */
    @Benchmark
    @OperationsPerInvocation(ROWS)
    public long jdbcRows() throws SQLException {
        return ScratchFile.insertInOneTransaction(jdbc, insert, texts);
    }

    /**
     * One transaction through raw sqlite-jdbc, in batches.
     *
     * @return the rows inserted
     * @throws SQLException if SQLite fails
     */
    @Benchmark
    @OperationsPerInvocation(ROWS)
    public long jdbcBatches() throws SQLException {
        jdbc.setAutoCommit(false);
        long rows = 0;
        for (int b = 0; b < ROWS / BATCH; b++) {
            for (int i = b * BATCH; i < (b + 1) * BATCH; i++) {
                insert.setString(1, texts.get(i));
                insert.addBatch();
            }
            for (int count : insert.executeBatch()) {
                rows += count;
            }
        }
        jdbc.commit();
        jdbc.setAutoCommit(true);
        return rows;
    }

    /**
     * One transaction through the R2DBC driver, one execution per row, each from the previous one's completion.
     *
     * @return the rows inserted
     */
    @Benchmark
    @OperationsPerInvocation(ROWS)
    public long r2dbcRows() {
        return Mono.from(r2dbc.beginTransaction())
                .thenMany(Flux.fromIterable(texts).concatMap(text -> Flux.from(r2dbc.createStatement(SQL)
                        .bind(0, text).execute()).flatMap(Result::getRowsUpdated)))
                .reduce(0L, Long::sum)
                .flatMap(rows -> Mono.from(r2dbc.commitTransaction()).thenReturn(rows))
                .block();
    }

    /**
     * One transaction through the R2DBC driver, in batches of {@code Statement.add()}.
     *
     * @return the rows inserted
     */
    @Benchmark
    @OperationsPerInvocation(ROWS)
    public long r2dbcBatches() {
        return Mono.from(r2dbc.beginTransaction())
                .thenMany(Flux.range(0, ROWS / BATCH).concatMap(b -> Flux.defer(() -> {
                    Statement statement = r2dbc.createStatement(SQL);
                    for (int i = b * BATCH; i < (b + 1) * BATCH; i++) {
                        if (i > b * BATCH) {
                            statement.add();
                        }
                        statement.bind(0, texts.get(i));
                    }
                    return Flux.from(statement.execute()).flatMap(Result::getRowsUpdated);
                })))
                .reduce(0L, Long::sum)
                .flatMap(rows -> Mono.from(r2dbc.commitTransaction()).thenReturn(rows))
                .block();
    }
}
