package dev.tursosync.bench;

import dev.tursosync.SyncClient;
import dev.tursosync.internal.capture.CaptureNames;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.sqlite.SQLiteConfig;

/**
 * Java only: the cost of change capture on local writes. Every round inserts 100,000 rows of 100 characters into
 * {@code rows(id INTEGER PRIMARY KEY, data TEXT NOT NULL)}, in one transaction with one prepared statement (the same
 * code and the same text for both), into
 * <ul>
 *   <li>{@code plain}: a plain SQLite file in WAL mode, opened with the same settings as the client's connections
 *       ({@code wal_autocheckpoint = 0}, busy timeout), no capture;</li>
 *   <li>{@code capture}: a synced replica of an empty remote, through the client's own connections, so the capture
 *       triggers log every row into the change log.</li>
 * </ul>
 * Each measurement uses fresh files (deleted afterwards); the variants alternate which goes first. Timed: from the
 * start of the transaction to the end of its commit, on the connection's thread. The row count (and, with capture,
 * the change-log count) is checked after each measurement.
 */
final class CaptureOverheadWorkload implements Workload {

    private static final int ROWS = 100_000;
    private static final int BYTES = 100;
    private static final String PLAIN = "plain";
    private static final String CAPTURE = "capture";
    private static final String CREATE = "CREATE TABLE rows (id INTEGER PRIMARY KEY, data TEXT NOT NULL)";
    private static final Duration GENEROUS = Duration.ofMinutes(10);

    @Override
    public String name() {
        return "capture-overhead";
    }

    @Override
    public WorkloadResult run(BenchContext context) throws Exception {
        var server = context.emptyRemote("capture-target");
        Map<String, Samples> samples = Rounds.variants("100k local inserts", context, List.of(PLAIN, CAPTURE),
                round -> {
                }, (variant, round) -> {
                    Path dir = context.freshDirectory("capture-overhead-" + variant + "-" + round);
                    try {
                        return variant.equals(PLAIN) ? plain(dir.resolve("plain.db"))
                                : captured(server.url(), dir.resolve("replica.db"));
                    } finally {
                        Folders.deleteTree(dir);
                    }
                });
        Samples plain = samples.get(PLAIN);
        Samples capture = samples.get(CAPTURE);
        String ratio = Report.ratio(capture.median() / plain.median());
        System.out.println("  capture/plain median ratio: " + ratio);
        return new WorkloadResult(List.of(
                new ResultRow("100,000 local inserts (~100 B each, one transaction), plain SQLite WAL, no capture",
                        "ms", Map.of(Report.JAVA, plain), "Java only; fresh file each run; same JDBC code as below"),
                new ResultRow("100,000 local inserts (~100 B each, one transaction), synced replica, capture on",
                        "ms", Map.of(Report.JAVA, capture), String.format(Locale.ROOT,
                        "Java only; fresh replica each run; %d changes logged per run; capture/plain = %s", ROWS,
                        ratio))), List.of());
    }

    private static double plain(Path file) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(10_000);
        try (Connection connection = config.createConnection("jdbc:sqlite:" + file)) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("PRAGMA wal_autocheckpoint = 0");
                statement.execute("PRAGMA journal_mode = WAL");
                statement.execute(CREATE);
            }
            double ms = LocalRows.insert(connection, "rows", ROWS, new RandomText(), BYTES);
            try (Statement statement = connection.createStatement();
                 var count = statement.executeQuery("SELECT count(*) FROM rows")) {
                count.next();
                expect("rows", count.getLong(1));
            }
            return ms;
        }
    }

    private static double captured(String url, Path file) {
        SyncClient client = JavaSide.client(url, file);
        try {
            client.open().block(GENEROUS);
            JavaSide.execLocal(client, CREATE);
            long logged = JavaSide.queryLong(client, "SELECT count(*) FROM " + CaptureNames.LOG);
            double ms = JavaSide.connections(client).withConnection(connection -> LocalRows.insert(connection,
                    "rows", ROWS, new RandomText(), BYTES)).block(GENEROUS);
            expect("rows", JavaSide.queryLong(client, "SELECT count(*) FROM rows"));
            expect(CaptureNames.LOG, JavaSide.queryLong(client, "SELECT count(*) FROM " + CaptureNames.LOG)
                    - logged);
            return ms;
        } finally {
            client.close().block(GENEROUS);
        }
    }

    private static void expect(String what, long count) {
        if (count != ROWS) {
            throw new IllegalStateException(what + ": " + count + " rows, expected " + ROWS);
        }
    }
}
