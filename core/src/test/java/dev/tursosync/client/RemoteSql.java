package dev.tursosync.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tursosync.internal.hrana.AtomicBatch;
import dev.tursosync.internal.hrana.BatchResult;
import dev.tursosync.internal.hrana.BatchStep;
import dev.tursosync.internal.hrana.HranaStatement;
import dev.tursosync.internal.hrana.HranaValue;
import dev.tursosync.internal.hrana.PipelineRequest;
import dev.tursosync.internal.hrana.PipelineResult;
import dev.tursosync.internal.transport.ReactorNettySyncTransport;
import dev.tursosync.internal.transport.SyncTransport;
import dev.tursosync.internal.transport.TransportOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A second writer for tests: runs SQL on the remote through the pipeline, each call one transaction.
 */
final class RemoteSql implements AutoCloseable {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private final SyncTransport transport;

    RemoteSql(String url) {
        this.transport = ReactorNettySyncTransport.create(TransportOptions.of(url));
    }

    /** Runs the statements in one transaction; fails the test if any fails. */
    void transaction(String... statements) {
        PipelineRequest.Batch batch = AtomicBatch.of(Arrays.stream(statements).map(HranaStatement::update).toList());
        BatchResult result = batch(batch.steps());
        int failed = AtomicBatch.firstFailedStep(batch, result);
        assertThat(failed).as(() -> "failed: " + batch.steps().get(failed).statement().sql() + ": "
                + result.error(failed).orElseThrow().message()).isEqualTo(-1);
    }

    /** Runs one statement with arguments, in its own transaction. */
    void execute(String sql, Object... args) {
        BatchResult result = batch(List.of(new BatchStep(null, HranaStatement.update(sql, args))));
        assertThat(result.error(0)).as(sql).isEmpty();
    }

    List<List<Object>> query(String sql) {
        return queries(List.of(sql)).get(0);
    }

    /** Runs queries in one request (one round trip); the rows of each, in order. */
    List<List<List<Object>>> queries(List<String> queries) {
        BatchResult result = batch(queries.stream().map(sql -> new BatchStep(null, HranaStatement.query(sql)))
                .toList());
        List<List<List<Object>>> results = new ArrayList<>();
        for (int i = 0; i < queries.size(); i++) {
            assertThat(result.error(i)).as(queries.get(i)).isEmpty();
            List<List<Object>> rows = new ArrayList<>();
            for (List<HranaValue> row : result.result(i).orElseThrow().rows()) {
                rows.add(row.stream().map(HranaValue::toJava).toList());
            }
            results.add(rows);
        }
        return results;
    }

    private BatchResult batch(List<BatchStep> steps) {
        PipelineResult result = transport.pipeline(List.of(new PipelineRequest.Batch(steps))).block(WAIT)
                .results().get(0);
        return ((PipelineResult.BatchOk) result).result();
    }

    @Override
    public void close() {
        transport.close().block(WAIT);
    }
}
