package dev.tursosync.bench.micro;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tursosync.ChangeEvent;
import dev.tursosync.ChangeOperation;
import dev.tursosync.internal.capture.CaptureNames;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
    void theEventDecodingYieldsOneUpdatePerChangedRowWithBothVersionsValues() throws SQLException {
        EventDecodingBenchmark benchmark = new EventDecodingBenchmark();
        benchmark.open();
        try {
            List<String> oldData = changedData(benchmark.beforeFile());
            List<String> newData = changedData(benchmark.afterFile());
            assertThat(benchmark.changedPages()).isGreaterThan(EventDecodingBenchmark.CHANGED_ROWS / 40);
            List<ChangeEvent> events = benchmark.decode();
            assertThat(events).hasSize(EventDecodingBenchmark.CHANGED_ROWS);
            for (int i = 0; i < events.size(); i++) {
                long id = EventDecodingBenchmark.FIRST_CHANGED + i;
                ChangeEvent event = events.get(i);
                assertThat(event.table()).isEqualTo(EventDecodingBenchmark.TABLE);
                assertThat(event.operation()).isEqualTo(ChangeOperation.UPDATE);
                assertThat(event.rowid()).isEqualTo(id);
                assertThat(new ArrayList<>(event.newValues().entrySet()))
                        .containsExactly(Map.entry("id", id), Map.entry("data", newData.get(i)));
                assertThat(new ArrayList<>(event.oldValues().entrySet()))
                        .containsExactly(Map.entry("id", id), Map.entry("data", oldData.get(i)));
                assertThat(newData.get(i)).isNotEqualTo(oldData.get(i)).hasSize(EventDecodingBenchmark.TEXT_LENGTH);
            }
            assertThat(benchmark.decode()).isEqualTo(events);
        } finally {
            benchmark.close();
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
                "InsertBenchmark_r2dbcRows", "InsertBenchmark_r2dbcBatches", "CaptureBenchmark_insert",
                "EventDecodingBenchmark_decode");
    }

    private static List<String> changedData(Path file) throws SQLException {
        List<String> data = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT data FROM " + EventDecodingBenchmark.TABLE
                     + " WHERE id BETWEEN " + EventDecodingBenchmark.FIRST_CHANGED + " AND "
                     + (EventDecodingBenchmark.FIRST_CHANGED + EventDecodingBenchmark.CHANGED_ROWS - 1)
                     + " ORDER BY id")) {
            while (rows.next()) {
                data.add(rows.getString(1));
            }
        }
        return data;
    }

    private static long count(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getLong(1);
        }
    }
}
