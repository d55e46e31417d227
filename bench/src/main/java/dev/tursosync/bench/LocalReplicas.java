package dev.tursosync.bench;

import dev.tursosync.SyncClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The replicas the local workloads share, opened once for the group: a Java replica of an empty remote (used by the
 * R2DBC driver and by raw sqlite-jdbc on the same file) and, when the JS client runs, its own replica of the same
 * remote. Both get {@code items} with {@value #ITEMS} rows of 100 characters (read by the selects and scans) and an
 * empty {@code writes} (written by the inserts; it grows from run to run). Tables are created through the clients,
 * so capture (Java) and CDC (JS) are on.
 */
final class LocalReplicas implements AutoCloseable {

    static final String ITEMS_TABLE = "items";
    static final String WRITES_TABLE = "writes";
    static final int ITEMS = 10_000;
    private static final int BYTES = 100;
    private static final Duration GENEROUS = Duration.ofMinutes(10);

    private final List<LocalEngine> engines = new ArrayList<>();
    private SyncClient client;
    private SyncSide.Replica js;

    private LocalReplicas() {
    }

    /**
     * Opens the replicas and seeds their tables (not timed).
     *
     * @param context the run
     * @return the replicas, with one engine each for R2DBC, JDBC and (if it runs) JS
     */
    static LocalReplicas open(BenchContext context) {
        var server = context.emptyRemote("local-target");
        Path dir = context.freshDirectory("local-replicas");
        LocalReplicas replicas = new LocalReplicas();
        try {
            Path file = dir.resolve("java.db");
            replicas.client = JavaSide.client(server.url(), file);
            replicas.client.open().block(GENEROUS);
            for (String table : List.of(ITEMS_TABLE, WRITES_TABLE)) {
                JavaSide.execLocal(replicas.client, create(table));
            }
            JavaSide.connections(replicas.client).withConnection(connection -> LocalRows.insert(connection,
                    ITEMS_TABLE, ITEMS, new RandomText(), BYTES)).block(GENEROUS);
            replicas.engines.add(new R2dbcEngine(replicas.client));
            replicas.engines.add(new JdbcEngine(file));
            for (SyncSide side : context.sides()) {
                if (side instanceof JsDriver driver) {
                    replicas.js = driver.open(server.url(), dir.resolve("js.db"));
                    replicas.js.execLocal(create(ITEMS_TABLE) + "; " + create(WRITES_TABLE));
                    replicas.js.insertLocalRows(ITEMS_TABLE, ITEMS, BYTES);
                    replicas.engines.add(new JsEngine((JsDriver.JsReplica) replicas.js));
                }
            }
            return replicas;
        } catch (RuntimeException e) {
            replicas.close();
            throw e;
        }
    }

    private static String create(String table) {
        return "CREATE TABLE " + table + " (id INTEGER PRIMARY KEY, data TEXT NOT NULL)";
    }

    /**
     * The engines in report order.
     *
     * @return R2DBC, JDBC and, if it runs, JS
     */
    List<LocalEngine> engines() {
        return engines;
    }

    /** Closes the raw JDBC connections first (so no close of the last connection checkpoints), then the clients. */
    @Override
    public void close() {
        engines.forEach(LocalEngine::close);
        engines.clear();
        if (client != null) {
            client.close().block(GENEROUS);
            client = null;
        }
        if (js != null) {
            js.close();
            js = null;
        }
    }
}
