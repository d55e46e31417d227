package dev.tursosync.bench;

import dev.tursosync.testing.RemoteSql;
import java.util.List;
import java.util.Map;

/**
 * Pull of 10,000 changed rows of ~100 bytes. The remote holds {@code rows(id INTEGER PRIMARY KEY, data TEXT)} with
 * 50,000 rows; both replicas are bootstrapped once, then every round a remote writer rewrites the {@code data} of
 * 10,000 of them (a different window each round, one transaction) and each client pulls. The Java pull includes
 * producing the 10,000 row-level change events. Target: Java/JS &lt;= 1.0.
 */
final class PullRowsWorkload implements Workload {

    private static final int TABLE_ROWS = 50_000;
    private static final int CHANGED_ROWS = 10_000;

    @Override
    public String name() {
        return "pull-10k";
    }

    @Override
    public WorkloadResult run(BenchContext context) throws Exception {
        var server = context.remote("rows-50k", sql -> {
            sql.transaction("CREATE TABLE rows (id INTEGER PRIMARY KEY, data TEXT NOT NULL)");
            sql.transaction("INSERT INTO rows SELECT value, hex(randomblob(50)) FROM generate_series(1, "
                    + TABLE_ROWS + ")");
        });
        try (RemoteSql writer = new RemoteSql(server.url());
             OpenReplicas replicas = OpenReplicas.open(context.sides(), server.url(),
                     context.freshDirectory("pull-10k-replicas"))) {
            Map<String, Samples> samples = Rounds.interleaved("pull 10k rows", context, context.sides(), round -> {
                int first = (round % (TABLE_ROWS / CHANGED_ROWS)) * CHANGED_ROWS + 1;
                writer.transaction("UPDATE rows SET data = hex(randomblob(50)) WHERE id BETWEEN " + first + " AND "
                        + (first + CHANGED_ROWS - 1));
            }, (side, round) -> replicas.pull(side));
            ResultRow row = new ResultRow("pull of 10,000 changed rows (~100 B each) of a 50,000-row table", "ms",
                    samples, replicas.pullDetails());
            return new WorkloadResult(List.of(row), List.of(Report.ratioAtMost("pull 10k rows: Java/JS <= 1.0",
                    samples.get(Report.JAVA), samples.get(Report.JS), 1.0)));
        }
    }
}
