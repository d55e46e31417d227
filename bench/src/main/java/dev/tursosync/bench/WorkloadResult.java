package dev.tursosync.bench;

import java.util.List;

/**
 * What one workload produced: report rows and target checks.
 *
 * @param rows       the measurements in milliseconds or megabytes, JS against Java
 * @param throughput the measurements in operations per second (the local workloads)
 * @param checks     the targets evaluated on them
 * @param sections   markdown of the workload's own shape (the soak's table per window), printed after the tables
 */
record WorkloadResult(List<ResultRow> rows, List<ThroughputRow> throughput, List<TargetCheck> checks,
                      List<String> sections) {

    WorkloadResult {
        rows = List.copyOf(rows);
        throughput = List.copyOf(throughput);
        checks = List.copyOf(checks);
        sections = List.copyOf(sections);
    }

    WorkloadResult(List<ResultRow> rows, List<ThroughputRow> throughput, List<TargetCheck> checks) {
        this(rows, throughput, checks, List.of());
    }

    WorkloadResult(List<ResultRow> rows, List<TargetCheck> checks) {
        this(rows, List.of(), checks);
    }
}
