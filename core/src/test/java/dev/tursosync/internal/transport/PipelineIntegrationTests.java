package dev.tursosync.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tursosync.internal.hrana.AtomicBatch;
import dev.tursosync.internal.hrana.BatchCondition;
import dev.tursosync.internal.hrana.BatchResult;
import dev.tursosync.internal.hrana.BatchStep;
import dev.tursosync.internal.hrana.HranaStatement;
import dev.tursosync.internal.hrana.HranaValue;
import dev.tursosync.internal.hrana.PipelineRequest;
import dev.tursosync.internal.hrana.PipelineResult;
import dev.tursosync.internal.hrana.StatementResult;
import dev.tursosync.testing.LocalSyncServer;
import dev.tursosync.testing.TursoServerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code /v2/pipeline} round trips against the real {@code tursodb --sync-server}.
 */
@ExtendWith(TursoServerExtension.class)
final class PipelineIntegrationTests {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static SyncTransport transport;

    @BeforeAll
    static void connect(LocalSyncServer server) {
        transport = ReactorNettySyncTransport.create(TransportOptions.of(server.url()));
    }

    @AfterAll
    static void disconnect() {
        transport.close().block(WAIT);
    }

    private static StatementResult execute(String sql, Object... args) {
        PipelineResult result = transport.pipeline(List.of(new PipelineRequest.Execute(
                HranaStatement.query(sql, args)))).block(WAIT).results().get(0);
        assertThat(result).as(sql).isInstanceOf(PipelineResult.ExecuteOk.class);
        return ((PipelineResult.ExecuteOk) result).result();
    }

    private static BatchResult batch(List<BatchStep> steps) {
        PipelineResult result = transport.pipeline(List.of(new PipelineRequest.Batch(steps))).block(WAIT)
                .results().get(0);
        assertThat(result).isInstanceOf(PipelineResult.BatchOk.class);
        return ((PipelineResult.BatchOk) result).result();
    }

    private static BatchStep step(BatchCondition condition, String sql, Object... args) {
        return new BatchStep(condition, HranaStatement.query(sql, args));
    }

    @Test
    void roundTripsEveryValueTypeExactly() {
        execute("CREATE TABLE vals(id INTEGER PRIMARY KEY, v)");
        byte[] bigBlob = new byte[1 << 20];
        new Random(7).nextBytes(bigBlob);
        String longText = "ü€😀".repeat(20_000);
        List<Object> values = Arrays.asList(Long.MAX_VALUE, Long.MIN_VALUE, (1L << 53) + 1, -((1L << 53) + 1), 0L,
                0.1, 1e308, Double.MIN_VALUE, -2.5, "hé😀 日本語 \"quoted\" 'single' \\ \t\n", "", longText,
                bigBlob, new byte[0], new byte[] {0, (byte) 0xFF}, null);
        for (int i = 0; i < values.size(); i++) {
            execute("INSERT INTO vals(id, v) VALUES (?, ?)", i, values.get(i));
        }

        List<List<HranaValue>> rows = execute("SELECT v FROM vals ORDER BY id").rows();

        List<HranaValue> expected = new ArrayList<>();
        values.forEach(value -> expected.add(HranaValue.of(value)));
        assertThat(rows).extracting(row -> row.get(0)).containsExactlyElementsOf(expected);
        assertThat(execute("SELECT typeof(v) FROM vals WHERE id = 2").rows().get(0).get(0))
                .isEqualTo(new HranaValue.TextValue("integer"));
    }

    /**
     * Documents the edge cases of REAL values: NaN is sent as NULL (what SQLite would store anyway), and negative
     * zero keeps its sign through the wire and the remote database.
     */
    @Test
    void nanBecomesNullAndNegativeZeroRoundTrips() {
        execute("CREATE TABLE reals(id INTEGER PRIMARY KEY, r REAL)");
        execute("INSERT INTO reals VALUES (1, ?), (2, ?)", Double.NaN, -0.0);

        List<List<HranaValue>> rows = execute("SELECT r, typeof(r) FROM reals ORDER BY id").rows();

        assertThat(rows.get(0)).containsExactly(HranaValue.NullValue.INSTANCE, new HranaValue.TextValue("null"));
        assertThat(rows.get(1).get(1)).isEqualTo(new HranaValue.TextValue("real"));
        double negativeZero = ((HranaValue.FloatValue) rows.get(1).get(0)).value();
        assertThat(negativeZero).isEqualTo(0.0);
        assertThat(Double.doubleToRawLongBits(negativeZero)).as("sign of -0.0 after the round trip")
                .isEqualTo(Double.doubleToRawLongBits(-0.0));
    }

    @Test
    void batchConditionsDecideWhichStepsRun() {
        BatchResult result = batch(List.of(
                step(null, "SELECT 1"),
                step(null, "SELECT * FROM no_such_table"),
                step(BatchCondition.ok(0), "SELECT 2"),
                step(BatchCondition.ok(1), "SELECT 3"),
                step(BatchCondition.error(1), "SELECT 4"),
                step(BatchCondition.not(BatchCondition.error(1)), "SELECT 5"),
                step(BatchCondition.and(BatchCondition.ok(0), BatchCondition.error(1)), "SELECT 6"),
                step(BatchCondition.or(BatchCondition.ok(1), BatchCondition.ok(3)), "SELECT 7"),
                step(BatchCondition.isAutocommit(), "SELECT 8"),
                step(BatchCondition.not(BatchCondition.isAutocommit()), "SELECT 9")));

        assertThat(IntStream.range(0, 10).mapToObj(result::ran))
                .containsExactly(true, true, true, false, true, false, true, false, true, false);
        assertThat(result.error(1).orElseThrow().message()).contains("no such table");
        assertThat(result.result(4).orElseThrow().rows().get(0).get(0)).isEqualTo(new HranaValue.IntegerValue(4));
    }

    /** {@link AtomicBatch}: a failing step skips the rest and ends in ROLLBACK. */
    @Test
    void aFailingStepRollsBackTheWholeAtomicBatch() {
        execute("CREATE TABLE atomic(id INTEGER PRIMARY KEY)");
        execute("INSERT INTO atomic VALUES (2)");

        PipelineRequest.Batch atomic = AtomicBatch.of(List.of(
                HranaStatement.update("INSERT INTO atomic VALUES (1)"),
                HranaStatement.update("INSERT INTO atomic VALUES (2)"),
                HranaStatement.update("INSERT INTO atomic VALUES (3)")));
        BatchResult result = batch(atomic.steps());

        assertThat(AtomicBatch.firstFailedStep(atomic, result)).isEqualTo(2);
        assertThat(result.error(2).orElseThrow().message()).contains("UNIQUE");
        assertThat(result.ran(3)).as("the statement after the failure").isFalse();
        assertThat(result.ran(4)).as("COMMIT").isFalse();
        assertThat(result.result(5)).as("ROLLBACK").isPresent();
        assertThat(execute("SELECT id FROM atomic ORDER BY id").rows())
                .containsExactly(List.of(new HranaValue.IntegerValue(2)));
        assertThat(batch(List.of(step(BatchCondition.isAutocommit(), "SELECT 1"))).ran(0))
                .as("no transaction is left open on the shared server connection").isTrue();

        PipelineRequest.Batch single = AtomicBatch.of(List.of(HranaStatement.update("INSERT INTO atomic VALUES (5)")));
        BatchResult committed = batch(single.steps());
        assertThat(AtomicBatch.firstFailedStep(single, committed)).isEqualTo(-1);
        assertThat(committed.ran(3)).as("no ROLLBACK after a commit").isFalse();
    }

    @Test
    void aStatementErrorIsReportedInBand() {
        PipelineResult result = transport.pipeline(List.of(
                new PipelineRequest.Execute(HranaStatement.query("SELEKT 1")),
                new PipelineRequest.Execute(HranaStatement.query("SELECT 1")))).block(WAIT).results().get(0);

        assertThat(result).isInstanceOf(PipelineResult.Failed.class);
        assertThat(((PipelineResult.Failed) result).error().message()).containsIgnoringCase("syntax error");
    }
}
