package dev.tursosync.bench;

import dev.tursosync.testing.RemoteSql;
import dev.tursosync.testing.LocalSyncServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Pull of 10 changed rows into a 5 MB replica and into a 500 MB replica ({@link BlobTable} with 5,000 and 500,000
 * rows). Each remote is seeded once and each client bootstraps once (not timed); then every round the writer changes
 * 10 rows spread over the table (10 different pages) and each client pulls. Target: the Java pull into 500 MB takes
 * at most twice the Java pull into 5 MB (the cost of a small pull must not grow with the database).
 */
final class SmallPullWorkload implements Workload {

    private static final int CHANGED_ROWS = 10;

    @Override
    public String name() {
        return "small-pull";
    }

    @Override
    public WorkloadResult run(BenchContext context) throws Exception {
        List<ResultRow> rows = new ArrayList<>();
        Map<String, Samples> small = measure(context, "5mb", 5_000, rows);
        Map<String, Samples> large = measure(context, "500mb", 500_000, rows);
        return new WorkloadResult(rows, List.of(
                Report.ratioAtMost("pull 10 rows: Java 500 MB / Java 5 MB <= 2.0", large.get(Report.JAVA),
                        small.get(Report.JAVA), 2.0)));
    }

    private static Map<String, Samples> measure(BenchContext context, String size, int tableRows,
                                                List<ResultRow> rows) throws Exception {
        LocalSyncServer server = context.remote("blob-" + size, sql -> BlobTable.seed(sql, tableRows));
        try (RemoteSql writer = new RemoteSql(server.url());
             OpenReplicas replicas = OpenReplicas.open(context.sides(), server.url(),
                     context.freshDirectory("small-pull-" + size + "-replicas"))) {
            System.out.println("  bootstrapped the " + size + " replicas once (ms, not part of the figures): "
                    + replicas.openTimes());
            Map<String, Samples> samples = Rounds.interleaved("pull 10 rows into " + size, context, context.sides(),
                    round -> BlobTable.changeSpreadRows(writer, tableRows, CHANGED_ROWS, round),
                    (side, round) -> replicas.pull(side));
            rows.add(new ResultRow("pull of 10 changed rows into a " + size.replace("mb", " MB") + " replica", "ms",
                    samples, replicas.pullDetails() + "; one-off bootstrap ms: " + replicas.openTimes()));
            return samples;
        }
    }
}
