package dev.tursosync.bench;

import java.util.List;
import java.util.Map;

/**
 * Push of 10,000 locally inserted rows of ~100 bytes in one push. Each client that {@link SyncSide#supportsPush()
 * supports push} opens one replica of an empty remote and creates {@code pushed(id INTEGER PRIMARY KEY, data TEXT)};
 * every round it inserts 10,000 rows in one local transaction (not timed) and then pushes (timed).
 *
 * <p>Only the JS side runs today: once the Java client can push, implementing {@link SyncSide#supportsPush()},
 * {@link SyncSide.Replica#execLocal}, {@link SyncSide.Replica#insertLocalRows} and {@link SyncSide.Replica#push()}
 * in {@link JavaSide} makes this workload compare both, with no change here.
 */
final class PushRowsWorkload implements Workload {

    private static final int ROWS = 10_000;
    private static final int BYTES = 100;

    @Override
    public String name() {
        return "push-10k";
    }

    @Override
    public WorkloadResult run(BenchContext context) throws Exception {
        List<SyncSide> pushing = context.sides().stream().filter(SyncSide::supportsPush).toList();
        var server = context.remote("push-target", sql -> {
        });
        try (OpenReplicas replicas = OpenReplicas.open(pushing, server.url(),
                context.freshDirectory("push-10k-replicas"))) {
            for (SyncSide side : pushing) {
                SyncSide.Replica replica = replicas.of(side);
                replica.execLocal("CREATE TABLE pushed_" + side.name().toLowerCase()
                        + " (id INTEGER PRIMARY KEY, data TEXT NOT NULL)");
                replica.push();
            }
            Map<String, Samples> samples = Rounds.interleaved("push 10k rows", context, pushing, round -> {
                for (SyncSide side : pushing) {
                    replicas.of(side).insertLocalRows("pushed_" + side.name().toLowerCase(), ROWS, BYTES);
                }
            }, (side, round) -> replicas.of(side).push());
            String missing = String.join(", ", context.sides().stream().filter(side -> !side.supportsPush())
                    .map(SyncSide::name).toList());
            ResultRow row = new ResultRow("push of 10,000 local rows (~100 B each) in one push", "ms", samples,
                    "each client pushes its own table" + (missing.isEmpty() ? "" : "; not measured: " + missing
                            + " (push not implemented yet)"));
            return new WorkloadResult(List.of(row), List.of());
        }
    }
}
