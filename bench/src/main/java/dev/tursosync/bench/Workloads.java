package dev.tursosync.bench;

import java.util.List;

/**
 * Every workload, in the order they run. Add new workloads here.
 */
final class Workloads {

    private Workloads() {
    }

    static List<Workload> all() {
        return List.of(new BootstrapWorkload(), new PullRowsWorkload(), new SmallPullWorkload(),
                new RebasePullWorkload(), new PeakHeapWorkload(), new PushRowsWorkload(),
                new CaptureOverheadWorkload());
    }
}
