package dev.tursosync.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Every workload, in the order they run. Add new workloads here.
 */
final class Workloads {

    private Workloads() {
    }

    static List<Workload> all() {
        List<Workload> all = new ArrayList<>(List.of(new BootstrapWorkload(), new PullRowsWorkload(false),
                new SmallPullWorkload(), new RebasePullWorkload(), new PeakHeapWorkload(), new PushRowsWorkload(),
                new CaptureOverheadWorkload(), new AutoSyncLatencyWorkload(), new PullRowsWorkload(true)));
        all.addAll(LocalWorkload.all());
        all.add(new SoakWorkload());
        return all;
    }
}
