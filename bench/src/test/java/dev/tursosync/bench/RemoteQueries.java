package dev.tursosync.bench;

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

/** Runs read queries on a remote through {@code /v2/pipeline}, several in one request, for the suites' checks. */
public final class RemoteQueries implements AutoCloseable {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private final SyncTransport transport;

    /**
     * Connects to a remote.
     *
     * @param url the remote
     */
    public RemoteQueries(String url) {
        this.transport = ReactorNettySyncTransport.create(TransportOptions.of(url));
    }

    /**
     * Runs queries in one pipeline request.
     *
     * @param queries the queries
     * @return the rows of each query, in order; values as {@link HranaValue#toJava()} gives them
     * @throws IllegalStateException if a query failed
     */
    public List<List<List<Object>>> query(List<String> queries) {
        List<PipelineRequest> requests = new ArrayList<>();
        queries.forEach(query -> requests.add(new PipelineRequest.Execute(HranaStatement.query(query))));
        List<List<List<Object>>> results = new ArrayList<>();
        for (PipelineResult result : transport.pipeline(requests).block(WAIT).results()) {
            results.add(rows(result));
        }
        return results;
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
