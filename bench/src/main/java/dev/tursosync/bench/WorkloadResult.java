package dev.tursosync.bench;

import java.util.List;

/**
 * What one workload produced: report rows and target checks.
 *
 * @param rows   the measurements
 * @param checks the targets evaluated on them
 */
record WorkloadResult(List<ResultRow> rows, List<TargetCheck> checks) {

    WorkloadResult {
        rows = List.copyOf(rows);
        checks = List.copyOf(checks);
    }
}
