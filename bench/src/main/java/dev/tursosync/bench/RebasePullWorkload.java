package dev.tursosync.bench;

import dev.tursosync.examples.RemoteWriter;
import dev.tursosync.testing.LocalSyncServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Pull of 10 changed remote rows while 1,000 local rows wait to be pushed (a rebase), into a 5 MB and a 500 MB
 * replica (the remotes of {@code small-pull}). Every round each client first inserts 1,000 rows of 100 characters
 * into its own table in one local transaction (not timed), the writer changes 10 rows spread over the big table,
 * then the client pulls (timed: the remote pages go on top and the 1,000 pending rows are replayed), then pushes
 * (not timed) so that the next round starts again from 1,000 pending rows. Target: the Java pull into 500 MB takes
 * at most twice the Java pull into 5 MB.
 */
final class RebasePullWorkload implements Workload {

    private static final int CHANGED_ROWS = 10;
    private static final int PENDING_ROWS = 1_000;
    private static final int ROW_CHARS = 100;

    @Override
    public String name() {
        return "rebase-pull";
    }

    @Override
    public WorkloadResult run(BenchContext context) throws Exception {
        List<ResultRow> rows = new ArrayList<>();
        Map<String, Samples> small = measure(context, "5mb", 5_000, rows);
        Map<String, Samples> large = measure(context, "500mb", 500_000, rows);
        return new WorkloadResult(rows, List.of(
                Report.ratioAtMost("pull 10 rows over 1,000 pending: Java 500 MB / Java 5 MB <= 2.0",
                        large.get(Report.JAVA), small.get(Report.JAVA), 2.0)));
    }

    private static String pendingTable(SyncSide side) {
        return "pending_" + side.name().toLowerCase(Locale.ROOT);
    }

    private static Map<String, Samples> measure(BenchContext context, String size, int tableRows,
                                                List<ResultRow> rows) throws Exception {
        LocalSyncServer server = context.remote("blob-" + size, sql -> BlobTable.seed(sql, tableRows));
        try (RemoteWriter writer = new RemoteWriter(server.url(), null)) {
            for (SyncSide side : context.sides()) {
                writer.transaction("CREATE TABLE IF NOT EXISTS " + pendingTable(side)
                        + " (id INTEGER PRIMARY KEY, data TEXT)");
            }
            try (OpenReplicas replicas = OpenReplicas.open(context.sides(), server.url(),
                    context.freshDirectory("rebase-pull-" + size + "-replicas"))) {
                Map<String, Samples> samples = Rounds.interleaved("pull 10 rows over 1,000 pending into " + size,
                        context, context.sides(),
                        round -> BlobTable.changeSpreadRows(writer, tableRows, CHANGED_ROWS, 1_000 + round),
                        (side, round) -> {
                            SyncSide.Replica replica = replicas.of(side);
                            replica.insertLocalRows(pendingTable(side), PENDING_ROWS, ROW_CHARS);
                            double ms = replicas.pull(side);
                            replica.push();
                            return ms;
                        });
                rows.add(new ResultRow("pull of 10 changed rows over 1,000 pending local rows into a "
                        + size.replace("mb", " MB") + " replica", "ms", samples, replicas.pullDetails()));
                return samples;
            }
        }
    }
}
