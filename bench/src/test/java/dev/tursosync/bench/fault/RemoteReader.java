package dev.tursosync.bench.fault;

import dev.tursosync.testing.RemoteSql;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Reads the suite's tables on the remote through {@code /v2/pipeline}, straight from the server (no proxy). */
final class RemoteReader implements AutoCloseable {

    private final RemoteSql remote;

    RemoteReader(String url) {
        this.remote = new RemoteSql(url);
    }

    /**
     * The remote's rows, read in one request.
     *
     * @return the rows
     */
    RemoteRows read() {
        List<String> queries = new ArrayList<>(FaultTables.ROW_QUERIES);
        queries.add(FaultTables.KV_QUERY);
        queries.add(FaultTables.LOG_QUERY);
        List<List<List<Object>>> results = remote.query(queries);
        List<String> quoted = new ArrayList<>();
        for (int i = 0; i < FaultTables.ROW_QUERIES.size(); i++) {
            results.get(i).forEach(row -> quoted.add((String) row.get(0)));
        }
        Map<Long, List<Object>> values = new TreeMap<>();
        for (List<Object> row : results.get(queries.size() - 2)) {
            values.put(((Number) row.get(0)).longValue(), row);
        }
        List<String> tokens = new ArrayList<>();
        results.get(queries.size() - 1).forEach(row -> tokens.add((String) row.get(0)));
        return new RemoteRows(quoted, values, tokens);
    }

    @Override
    public void close() {
        remote.close();
    }
}
