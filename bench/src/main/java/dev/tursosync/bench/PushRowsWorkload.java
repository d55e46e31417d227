package dev.tursosync.bench;

import dev.tursosync.testing.RemoteSql;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Push of 10,000 locally inserted rows of ~100 bytes in one push. Each client that {@link SyncSide#supportsPush()
 * supports push} opens one replica of an empty remote and creates {@code pushed_<client>(id INTEGER PRIMARY KEY,
 * data TEXT)}; every round it inserts 10,000 rows in one local transaction (not timed) and then pushes (timed). After
 * each push the remote's row count of that table is checked (not timed), so a push that sent nothing cannot pass.
 * Target: Java/JS &lt;= 0.5.
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
        var server = context.emptyRemote("push-target");
        Map<String, Set<String>> details = new LinkedHashMap<>();
        Samples javaRemote = new Samples();
        try (RemoteSql remote = new RemoteSql(server.url());
             OpenReplicas replicas = OpenReplicas.open(pushing, server.url(),
                     context.freshDirectory("push-10k-replicas"))) {
            for (SyncSide side : pushing) {
                SyncSide.Replica replica = replicas.of(side);
                replica.execLocal("CREATE TABLE " + table(side) + " (id INTEGER PRIMARY KEY, data TEXT NOT NULL)");
                replica.push();
                expectRows(remote, table(side), 0);
                details.put(side.name(), new TreeSet<>());
            }
            Map<String, Samples> samples = Rounds.interleaved("push 10k rows", context, pushing, round -> {
                for (SyncSide side : pushing) {
                    replicas.of(side).insertLocalRows(table(side), ROWS, BYTES);
                }
            }, (side, round) -> {
                SyncSide.PushTiming pushed = replicas.of(side).push();
                expectRows(remote, table(side), (long) (round + 1) * ROWS);
                if (!pushed.detail().isEmpty()) {
                    details.get(side.name()).add(pushed.detail());
                }
                if (side.name().equals(Report.JAVA) && round >= context.options().warmups()) {
                    javaRemote.add(pushed.remoteMs());
                }
                return pushed.ms();
            });
            ResultRow row = new ResultRow("push of 10,000 local rows (~100 B each) in one push", "ms", samples,
                    notes(context, details, javaRemote));
            List<TargetCheck> checks = samples.containsKey(Report.JAVA) && samples.containsKey(Report.JS)
                    ? List.of(Report.ratioAtMost("push 10k rows: Java/JS <= 0.5", samples.get(Report.JAVA),
                            samples.get(Report.JS), 0.5))
                    : List.of();
            return new WorkloadResult(List.of(row), checks);
        }
    }

    private static String table(SyncSide side) {
        return "pushed_" + side.name().toLowerCase(Locale.ROOT);
    }

    private static String notes(BenchContext context, Map<String, Set<String>> details, Samples javaRemote) {
        StringBuilder notes = new StringBuilder("each client pushes its own table; remote row count checked after"
                + " every push");
        details.forEach((side, seen) -> {
            if (!seen.isEmpty()) {
                notes.append("; ").append(side).append(" pushes: ").append(String.join(", ", seen));
            }
        });
        if (!javaRemote.isEmpty()) {
            notes.append("; Java waiting on the remote: median ").append(Report.number(javaRemote.median()))
                    .append(" ms");
        }
        String missing = String.join(", ", context.sides().stream().filter(side -> !side.supportsPush())
                .map(SyncSide::name).toList());
        return notes + (missing.isEmpty() ? "" : "; not measured: " + missing + " (push not implemented yet)");
    }

    /** Fails unless the remote table has the expected number of rows: the push really arrived. */
    private static void expectRows(RemoteSql remote, String table, long expected) {
        long actual = remote.queryLong("SELECT count(*) FROM " + table);
        if (actual != expected) {
            throw new IllegalStateException("the remote has " + actual + " rows in " + table + ", expected "
                    + expected);
        }
    }
}
