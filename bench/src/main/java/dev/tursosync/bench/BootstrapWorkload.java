package dev.tursosync.bench;

import dev.tursosync.testing.LocalSyncServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Bootstrap of a ~50 MB remote (50,000 rows of ~1 KB) into an empty client, a fresh path every run.
 * Target: Java/JS &lt;= 1.0.
 */
final class BootstrapWorkload implements Workload {

    /** The 50 MB remote, shared with {@link PeakHeapWorkload}. */
    static final String REMOTE = "blob-50mb";
    static final int ROWS = 50_000;

    @Override
    public String name() {
        return "bootstrap";
    }

    static LocalSyncServer remote(BenchContext context) {
        return context.remote(REMOTE, sql -> BlobTable.seed(sql, ROWS));
    }

    @Override
    public WorkloadResult run(BenchContext context) throws Exception {
        String url = remote(context).url();
        Path clients = context.freshDirectory("bootstrap-clients");
        Map<String, Samples> samples = Rounds.interleaved("bootstrap 50 MB", context, context.sides(), round -> {
        }, (side, round) -> {
            Path dir = clients.resolve(side.name() + "-" + round);
            Files.createDirectories(dir);
            double ms = side.bootstrap(url, dir.resolve("local.db"));
            Folders.deleteTree(dir);
            return ms;
        });
        ResultRow row = new ResultRow("bootstrap ~50 MB remote into an empty client", "ms", samples,
                "fresh path each run");
        return new WorkloadResult(List.of(row), List.of(Report.ratioAtMost("bootstrap 50 MB: Java/JS <= 1.0",
                samples.get(Report.JAVA), samples.get(Report.JS), 1.0)));
    }
}
