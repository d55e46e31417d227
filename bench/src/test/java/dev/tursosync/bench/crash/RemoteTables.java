package dev.tursosync.bench.crash;

import dev.tursosync.internal.hrana.HranaStatement;
import dev.tursosync.internal.hrana.HranaValue;
import dev.tursosync.internal.hrana.PipelineRequest;
import dev.tursosync.internal.hrana.PipelineResult;
import dev.tursosync.internal.transport.ReactorNettySyncTransport;
import dev.tursosync.internal.transport.SyncTransport;
import dev.tursosync.internal.transport.TransportOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Reads the suite tables on the remote through {@code /v2/pipeline}, both queries in one request. */
final class RemoteTables implements AutoCloseable {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private final SyncTransport transport;

    /**
     * Connects to a remote.
     *
     * @param url the remote
     */
    RemoteTables(String url) {
        this.transport = ReactorNettySyncTransport.create(TransportOptions.of(url));
    }

    /**
     * Reads both tables.
     *
     * @return the remote rows
     */
    TableRows read() {
        List<PipelineResult> results = transport.pipeline(List.of(
                new PipelineRequest.Execute(HranaStatement.query(TableRows.VALUES_QUERY)),
                new PipelineRequest.Execute(HranaStatement.query(TableRows.LOGS_QUERY)))).block(WAIT).results();
        return TableRows.of(rows(results.get(0)), rows(results.get(1)));
    }

    private static List<List<Object>> rows(PipelineResult result) {
        if (!(result instanceof PipelineResult.ExecuteOk ok)) {
            throw new IllegalStateException("a remote query failed: " + result);
        }
        List<List<Object>> rows = new ArrayList<>();
        for (List<HranaValue> row : ok.result().rows()) {
            rows.add(row.stream().map(HranaValue::toJava).toList());
        }
        return rows;
    }

    @Override
    public void close() {
        transport.close().block(WAIT);
    }
}
