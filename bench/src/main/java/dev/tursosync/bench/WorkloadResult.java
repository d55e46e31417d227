package dev.tursosync.bench;

import java.util.List;

/**
 * What one workload produced: report rows and target checks.
 *
 * @param rows       the measurements in milliseconds or megabytes, JS against Java
 * @param throughput the measurements in operations per second (the local workloads)
 * @param checks     the targets evaluated on them
 */
record WorkloadResult(List<ResultRow> rows, List<ThroughputRow> throughput, List<TargetCheck> checks) {

    WorkloadResult {
        rows = List.copyOf(rows);
        throughput = List.copyOf(throughput);
        checks = List.copyOf(checks);
    }

    WorkloadResult(List<ResultRow> rows, List<TargetCheck> checks) {
        this(rows, List.of(), checks);
    }
}
