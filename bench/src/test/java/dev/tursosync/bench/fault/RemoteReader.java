package dev.tursosync.bench.fault;

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
import java.util.Map;
import java.util.TreeMap;

/** Reads the suite's tables on the remote through {@code /v2/pipeline}, straight from the server (no proxy). */
final class RemoteReader implements AutoCloseable {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private final SyncTransport transport;

    RemoteReader(String url) {
        this.transport = ReactorNettySyncTransport.create(TransportOptions.of(url));
    }

    /**
     * The remote's rows, read in one request.
     *
     * @return the rows
     */
    RemoteRows read() {
        List<PipelineRequest> queries = new ArrayList<>();
        for (String query : FaultTables.ROW_QUERIES) {
            queries.add(new PipelineRequest.Execute(HranaStatement.query(query)));
        }
        queries.add(new PipelineRequest.Execute(HranaStatement.query(FaultTables.KV_QUERY)));
        queries.add(new PipelineRequest.Execute(HranaStatement.query(FaultTables.LOG_QUERY)));
        List<PipelineResult> results = transport.pipeline(queries).block(WAIT).results();
        List<String> quoted = new ArrayList<>();
        for (int i = 0; i < FaultTables.ROW_QUERIES.size(); i++) {
            rows(results.get(i)).forEach(row -> quoted.add((String) row.get(0)));
        }
        Map<Long, List<Object>> values = new TreeMap<>();
        for (List<Object> row : rows(results.get(FaultTables.ROW_QUERIES.size()))) {
            values.put(((Number) row.get(0)).longValue(), row);
        }
        List<String> tokens = new ArrayList<>();
        rows(results.get(FaultTables.ROW_QUERIES.size() + 1)).forEach(row -> tokens.add((String) row.get(0)));
        return new RemoteRows(quoted, values, tokens);
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
