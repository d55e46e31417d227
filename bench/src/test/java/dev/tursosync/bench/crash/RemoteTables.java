package dev.tursosync.bench.crash;

import dev.tursosync.testing.RemoteSql;
import java.util.List;

/** Reads the suite tables on the remote through {@code /v2/pipeline}, both queries in one request. */
final class RemoteTables implements AutoCloseable {

    private final RemoteSql remote;

    /**
     * Connects to a remote.
     *
     * @param url the remote
     */
    RemoteTables(String url) {
        this.remote = new RemoteSql(url);
    }

    /**
     * Reads both tables.
     *
     * @return the remote rows
     */
    TableRows read() {
        List<List<List<Object>>> results = remote.query(List.of(TableRows.VALUES_QUERY, TableRows.LOGS_QUERY));
        return TableRows.of(results.get(0), results.get(1));
    }

    @Override
    public void close() {
        remote.close();
    }
}
