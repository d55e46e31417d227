package dev.tursosync.bench;

import dev.tursosync.testing.RemoteSql;
import dev.tursosync.testing.LocalSyncServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Pull of 10 changed remote rows while 1,000 local rows wait to be pushed (a rebase), into a 5 MB and a 500 MB
 * replica (the remotes of {@code small-pull}). Every round each client first inserts 1,000 rows of 100 characters
 * into its own table in one local transaction (not timed), then pulls (timed: the remote pages go on top and the
 * 1,000 pending rows are replayed). Before each round (not timed) every client pushes its rows and pulls everyone's,
 * then the writer changes 10 rows spread over the big table, so a timed pull brings exactly those 10 rows. Target: the Java pull into 500 MB takes
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

    /**
     * Before a round: every client pushes last round's rows, then every client pulls everything pushed, so that the
     * timed pulls see only the 10 rows the writer changes.
     */
    private static void catchUp(BenchContext context, OpenReplicas replicas) {
        context.sides().forEach(side -> replicas.of(side).push());
        context.sides().forEach(side -> replicas.of(side).pull());
    }

    private static String pendingTable(SyncSide side) {
        return "pending_" + side.name().toLowerCase(Locale.ROOT);
    }

    private static Map<String, Samples> measure(BenchContext context, String size, int tableRows,
                                                List<ResultRow> rows) throws Exception {
        LocalSyncServer server = context.remote("blob-" + size, sql -> BlobTable.seed(sql, tableRows));
        try (RemoteSql writer = new RemoteSql(server.url())) {
            for (SyncSide side : context.sides()) {
                writer.transaction("CREATE TABLE IF NOT EXISTS " + pendingTable(side)
                        + " (id INTEGER PRIMARY KEY, data TEXT)");
            }
            try (OpenReplicas replicas = OpenReplicas.open(context.sides(), server.url(),
                    context.freshDirectory("rebase-pull-" + size + "-replicas"))) {
                Map<String, Samples> samples = Rounds.interleaved("pull 10 rows over 1,000 pending into " + size,
                        context, context.sides(),
                        round -> {
                            catchUp(context, replicas);
                            BlobTable.changeSpreadRows(writer, tableRows, CHANGED_ROWS, 1_000 + round);
                        },
                        (side, round) -> {
                            replicas.of(side).insertLocalRows(pendingTable(side), PENDING_ROWS, ROW_CHARS);
                            return replicas.pull(side);
                        });
                rows.add(new ResultRow("pull of 10 changed rows over 1,000 pending local rows into a "
                        + size.replace("mb", " MB") + " replica", "ms", samples, replicas.pullDetails()));
                return samples;
            }
        }
    }
}
