package dev.tursosync.internal.hrana;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tursosync.SyncProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

final class HranaJsonCodecTests {

    private static String encode(PipelineRequest... requests) {
        return new String(HranaJsonCodec.encode(List.of(requests)), StandardCharsets.UTF_8);
    }

    private static PipelineResponse decode(String json) {
        return HranaJsonCodec.decode(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void encodesEveryValueTypeInItsWireForm() {
        String json = encode(new PipelineRequest.Execute(HranaStatement.update("INSERT INTO t VALUES (?,?,?,?,?)",
                9_007_199_254_740_993L, 1.5, "hé😀", new byte[] {1, 2, (byte) 0xFF}, null)));

        assertThat(json).isEqualTo("{\"baton\":null,\"requests\":[{\"type\":\"execute\",\"stmt\":{"
                + "\"sql\":\"INSERT INTO t VALUES (?,?,?,?,?)\",\"args\":["
                + "{\"type\":\"integer\",\"value\":\"9007199254740993\"},"
                + "{\"type\":\"float\",\"value\":1.5},"
                + "{\"type\":\"text\",\"value\":\"hé😀\"},"
                + "{\"type\":\"blob\",\"base64\":\"AQL/\"},"
                + "{\"type\":\"null\"}],\"want_rows\":false}}]}");
    }

    @Test
    void encodesEveryBatchCondition() {
        BatchCondition all = BatchCondition.and(BatchCondition.ok(0), BatchCondition.error(1),
                BatchCondition.or(BatchCondition.not(BatchCondition.isAutocommit())));
        String json = encode(new PipelineRequest.Batch(List.of(
                new BatchStep(null, HranaStatement.update("BEGIN")),
                new BatchStep(all, HranaStatement.query("SELECT 1")))));

        assertThat(json).contains("{\"condition\":null,\"stmt\":{\"sql\":\"BEGIN\"")
                .contains("\"condition\":{\"type\":\"and\",\"conds\":[{\"type\":\"ok\",\"step\":0},"
                        + "{\"type\":\"error\",\"step\":1},{\"type\":\"or\",\"conds\":[{\"type\":\"not\","
                        + "\"cond\":{\"type\":\"is_autocommit\"}}]}]}");
    }

    @Test
    void nanIsSentAsNullAndInfinityIsRejected() {
        assertThat(HranaValue.of(Double.NaN)).isEqualTo(HranaValue.NullValue.INSTANCE);
        assertThatThrownBy(() -> HranaValue.of(Double.POSITIVE_INFINITY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("infinite");
    }

    @Test
    void decodesBatchResultsWithSkippedAndFailedSteps() {
        PipelineResponse response = decode("{\"baton\":null,\"base_url\":null,\"results\":[{\"type\":\"ok\","
                + "\"response\":{\"type\":\"batch\",\"result\":{\"step_results\":[{\"cols\":[{\"name\":\"x\","
                + "\"decltype\":\"INTEGER\"}],\"rows\":[[{\"type\":\"integer\",\"value\":\"-9223372036854775808\"}]],"
                + "\"affected_row_count\":0,\"last_insert_rowid\":null},null,null],\"step_errors\":[null,"
                + "{\"message\":\"boom\",\"code\":\"EXECUTE_ERROR\"},null]}}}]}");

        BatchResult batch = ((PipelineResult.BatchOk) response.results().get(0)).result();
        assertThat(batch.result(0).orElseThrow().rows())
                .containsExactly(List.of(new HranaValue.IntegerValue(Long.MIN_VALUE)));
        assertThat(batch.result(0).orElseThrow().columns()).containsExactly(new Column("x", "INTEGER"));
        assertThat(batch.error(1)).contains(new HranaError("boom", "EXECUTE_ERROR"));
        assertThat(batch.ran(2)).isFalse();
    }

    @Test
    void acceptsPaddedUnpaddedAndUrlSafeBase64AndNumericIntegers() {
        PipelineResponse response = decode("{\"results\":[{\"type\":\"ok\",\"response\":{\"type\":\"execute\","
                + "\"result\":{\"cols\":[],\"rows\":[[{\"type\":\"blob\",\"base64\":\"AQL/\"},"
                + "{\"type\":\"blob\",\"base64\":\"AQI=\"},{\"type\":\"blob\",\"base64\":\"AQI\"},"
                + "{\"type\":\"blob\",\"base64\":\"-_8\"},{\"type\":\"integer\",\"value\":7},"
                + "{\"type\":\"float\",\"value\":-0.0}]],\"affected_row_count\":3,\"last_insert_rowid\":\"12\"}}}]}");

        StatementResult result = ((PipelineResult.ExecuteOk) response.results().get(0)).result();
        assertThat(result.rows().get(0)).containsExactly(
                new HranaValue.BlobValue(new byte[] {1, 2, (byte) 0xFF}),
                new HranaValue.BlobValue(new byte[] {1, 2}),
                new HranaValue.BlobValue(new byte[] {1, 2}),
                new HranaValue.BlobValue(new byte[] {(byte) 0xFB, (byte) 0xFF}),
                new HranaValue.IntegerValue(7),
                new HranaValue.FloatValue(-0.0));
        assertThat(result.affectedRowCount()).isEqualTo(3);
        assertThat(result.lastInsertRowid()).isEqualTo(12L);
    }

    @Test
    void decodesRequestLevelErrors() {
        PipelineResponse response = decode("{\"results\":[{\"type\":\"error\",\"error\":{\"message\":"
                + "\"near \\\"SELEKT\\\": syntax error\",\"code\":\"PREPARE_ERROR\"}}]}");

        assertThat(response.results()).containsExactly(new PipelineResult.Failed(
                new HranaError("near \"SELEKT\": syntax error", "PREPARE_ERROR")));
    }

    @Test
    void malformedRepliesAreProtocolErrors() {
        for (String body : List.of("", "not json", "[]", "{\"results\":{}}",
                "{\"results\":[{\"type\":\"weird\"}]}",
                "{\"results\":[{\"type\":\"ok\",\"response\":{\"type\":\"execute\",\"result\":{\"cols\":[],"
                        + "\"rows\":[[{\"type\":\"integer\",\"value\":\"12x\"}]]}}}]}",
                "{\"results\":[{\"type\":\"ok\",\"response\":{\"type\":\"execute\",\"result\":{\"cols\":[],"
                        + "\"rows\":[[{\"type\":\"blob\",\"base64\":\"%%%\"}]]}}}]}",
                "{\"results\":[{\"type\":\"ok\",\"response\":{\"type\":\"execute\",\"result\":{\"cols\":[],"
                        + "\"rows\":[[{\"type\":\"float\",\"value\":\"1.5\"}]]}}}]}")) {
            assertThatThrownBy(() -> decode(body)).as(body).isInstanceOf(SyncProtocolException.class);
        }
    }
}
