package dev.tursosync.bench;

import java.util.List;
import java.util.Map;

/**
 * The local workloads on the official JS client's own replica, run inside the Node process by the driver's
 * {@code local} request (timed there). The JS client writes the same deterministic text, generated before its clock
 * starts, so only the row count is taken from the Java side's list.
 */
final class JsEngine implements LocalEngine {

    private static final int BYTES = 100;

    private final JsDriver.JsReplica replica;

    JsEngine(JsDriver.JsReplica replica) {
        this.replica = replica;
    }

    @Override
    public String name() {
        return Report.JS;
    }

    @Override
    public Throughput insertTransaction(String table, List<String> texts) {
        return replica.local("insertTx", Map.of("table", table, "rows", texts.size(), "bytes", BYTES));
    }

    @Override
    public Throughput insertBatches(String table, List<String> texts, int batch) {
        return replica.local("insertBatch", Map.of("table", table, "rows", texts.size(), "bytes", BYTES,
                "batch", batch));
    }

    @Override
    public Throughput concurrentWrites(String table, List<String> texts, int subscribers) {
        return replica.local("writes", Map.of("table", table, "rows", texts.size(), "bytes", BYTES,
                "subscribers", subscribers));
    }

    @Override
    public Throughput pointSelects(String table, int count, int tableRows, int subscribers) {
        return replica.local("selects", Map.of("table", table, "count", count, "tableRows", tableRows,
                "subscribers", subscribers));
    }

    @Override
    public Throughput scans(String table, int rows, int scans) {
        return replica.local("scan", Map.of("table", table, "rows", rows, "scans", scans));
    }

    @Override
    public void close() {
        // the replica is closed by its owner
    }
}
