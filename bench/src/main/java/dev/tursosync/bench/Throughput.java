package dev.tursosync.bench;

/**
 * What one run of a local workload measured.
 *
 * @param ops   operations done (rows inserted, rows selected or scanned)
 * @param ms    the whole run, in milliseconds
 * @param p50Ms the median latency of one operation (a statement, a batch, a select or a scan), in milliseconds
 * @param p99Ms its 99th percentile
 */
record Throughput(long ops, double ms, double p50Ms, double p99Ms) {

    /**
     * Operations per second over the whole run.
     *
     * @return ops/s
     */
    double perSecond() {
        return ops / (ms / 1000);
    }
}
