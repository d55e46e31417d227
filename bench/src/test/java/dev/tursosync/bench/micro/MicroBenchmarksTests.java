package dev.tursosync.bench.micro;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tursosync.internal.capture.CaptureNames;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * The microbenchmarks measure the work they claim: both sides of each comparison do the same work with the same
 * result, and the annotation processor listed every benchmark for JMH. Each benchmark method runs once here, outside
 * JMH; nothing is timed.
 */
class MicroBenchmarksTests {

    @Test
    void bothSidesOfThePointSelectsReadTheSameRows() throws SQLException {
        PointSelectBenchmark benchmark = new PointSelectBenchmark();
        benchmark.open();
        try {
            long jdbc = benchmark.jdbcSelects(500, PointSelectBenchmark.SELECTS);
            long r2dbc = benchmark.r2dbcSelects(500, PointSelectBenchmark.SELECTS);
            assertThat(jdbc).isEqualTo((long) PointSelectBenchmark.SELECTS * ScratchFile.TEXT_LENGTH);
            assertThat(r2dbc).isEqualTo(jdbc);
            assertThat(benchmark.jdbc()).isEqualTo(jdbc);
            assertThat(benchmark.r2dbc()).isEqualTo(jdbc);
        } finally {
            benchmark.close();
        }
    }

    @Test
    void bothSidesOfTheScanReadEveryRow() throws SQLException {
        ScanBenchmark benchmark = new ScanBenchmark();
        benchmark.open();
        try {
            long expected = (long) ScanBenchmark.ROWS * ScratchFile.TEXT_LENGTH;
            assertThat(benchmark.jdbc()).isEqualTo(expected);
            assertThat(benchmark.r2dbc()).isEqualTo(expected);
        } finally {
            benchmark.close();
        }
    }

    @Test
    void everyInsertVariantCommitsItsRows() throws SQLException {
        InsertBenchmark benchmark = new InsertBenchmark();
        benchmark.open();
        try {
            assertThat(benchmark.jdbcRows()).isEqualTo(InsertBenchmark.ROWS);
            assertThat(benchmark.jdbcBatches()).isEqualTo(InsertBenchmark.ROWS);
            assertThat(benchmark.r2dbcRows()).isEqualTo(InsertBenchmark.ROWS);
            assertThat(benchmark.r2dbcBatches()).isEqualTo(InsertBenchmark.ROWS);
        } finally {
            benchmark.close();
        }
    }

    @Test
    void theCaptureVariantLogsEveryInsertAndThePlainOneHasNoLog() throws SQLException {
        CaptureBenchmark capture = new CaptureBenchmark();
        capture.variant = "capture";
        capture.open();
        try {
            assertThat(capture.insert()).isEqualTo(CaptureBenchmark.ROWS);
            assertThat(count(capture.connection(), "SELECT count(*) FROM " + CaptureNames.LOG + " WHERE tbl = '"
                    + CaptureBenchmark.TABLE + "'")).isEqualTo(CaptureBenchmark.ROWS);
        } finally {
            capture.close();
        }
        CaptureBenchmark plain = new CaptureBenchmark();
        plain.variant = "plain";
        plain.open();
        try {
            assertThat(plain.insert()).isEqualTo(CaptureBenchmark.ROWS);
            assertThat(count(plain.connection(), "SELECT count(*) FROM sqlite_master WHERE name = '"
                    + CaptureNames.LOG + "'")).isZero();
        } finally {
            plain.close();
        }
    }

    @Test
    void theAnnotationProcessorListedEveryBenchmark() throws IOException {
        String list;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/BenchmarkList")) {
            assertThat(in).isNotNull();
            list = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(list).contains("PointSelectBenchmark_jdbc", "PointSelectBenchmark_r2dbc", "ScanBenchmark_jdbc",
                "ScanBenchmark_r2dbc", "InsertBenchmark_jdbcRows", "InsertBenchmark_jdbcBatches",
                "InsertBenchmark_r2dbcRows", "InsertBenchmark_r2dbcBatches", "CaptureBenchmark_insert");
    }

    private static long count(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getLong(1);
        }
    }
}
