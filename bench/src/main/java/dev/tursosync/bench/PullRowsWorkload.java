package dev.tursosync.bench;

import dev.tursosync.testing.RemoteSql;
import java.util.List;
import java.util.Map;

/**
 * Pull of 10,000 changed rows of ~100 bytes. The remote holds {@code rows(id INTEGER PRIMARY KEY, data TEXT)} with
 * 50,000 rows; both replicas are bootstrapped once, then every round a remote writer rewrites the {@code data} of
 * 10,000 of them (a different window each round, one transaction) and each client pulls. The Java pull includes
 * producing the 10,000 row-level change events. Target: Java/JS &lt;= 1.0.
 *
 * <p>The {@code pull-10k-indexed} variant adds an index on {@code data}, so every changed row moves its index entry:
 * it measures what the pull's check that rows and index entries agree costs (issue 15), reported against the same
 * target.
 */
final class PullRowsWorkload implements Workload {

    private static final int TABLE_ROWS = 50_000;
    private static final int CHANGED_ROWS = 10_000;

    private final boolean indexed;

    PullRowsWorkload(boolean indexed) {
        this.indexed = indexed;
    }

    @Override
    public String name() {
        return indexed ? "pull-10k-indexed" : "pull-10k";
    }

    @Override
    public WorkloadResult run(BenchContext context) throws Exception {
        var server = context.remote(indexed ? "rows-50k-indexed" : "rows-50k", sql -> {
            sql.transaction("CREATE TABLE rows (id INTEGER PRIMARY KEY, data TEXT NOT NULL)");
            if (indexed) {
                sql.transaction("CREATE INDEX rows_data ON rows (data)");
            }
            sql.transaction("INSERT INTO rows SELECT value, hex(randomblob(50)) FROM generate_series(1, "
                    + TABLE_ROWS + ")");
        });
        try (RemoteSql writer = new RemoteSql(server.url());
             OpenReplicas replicas = OpenReplicas.open(context.sides(), server.url(),
                     context.freshDirectory(name() + "-replicas"))) {
            String what = indexed ? "pull 10k indexed rows" : "pull 10k rows";
            Map<String, Samples> samples = Rounds.interleaved(what, context, context.sides(), round -> {
                int first = (round % (TABLE_ROWS / CHANGED_ROWS)) * CHANGED_ROWS + 1;
                writer.transaction("UPDATE rows SET data = hex(randomblob(50)) WHERE id BETWEEN " + first + " AND "
                        + (first + CHANGED_ROWS - 1));
            }, (side, round) -> replicas.pull(side));
            ResultRow row = new ResultRow("pull of 10,000 changed rows (~100 B each) of a 50,000-row table"
                    + (indexed ? ", with an index on the changed column" : ""), "ms", samples,
                    replicas.pullDetails());
            return new WorkloadResult(List.of(row), List.of(Report.ratioAtMost(what + ": Java/JS <= 1.0",
                    samples.get(Report.JAVA), samples.get(Report.JS), 1.0)));
        }
    }
}
