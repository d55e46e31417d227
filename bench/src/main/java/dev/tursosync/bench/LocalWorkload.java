package dev.tursosync.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code local} group: the local path of an application, on synced replicas, through the R2DBC driver, raw
 * sqlite-jdbc on the same file with the client's connection settings, and the JS client on its own replica (see
 * {@link LocalReplicas}). Every round runs each engine once, alternating the order; each run reports ops/s and the
 * p50/p99 latency of its operations. Targets: R2DBC at least 0.7x raw sqlite-jdbc in every workload, and the
 * 10,000-row insert transaction at least as fast as the JS client.
 */
final class LocalWorkload implements Workload {

    private static final int BYTES = 100;
    private static final int TRANSACTION_ROWS = 10_000;
    private static final int BATCH = 100;
    private static final int WRITERS = 8;
    private static final int WRITES = 800;
    /** Selects per run: 50,000 (10,000 before the sixth pass), so that one run lasts long enough to judge. */
    private static final int SELECTS = 50_000;
    /**
     * Scans per run: 50 (5 before the eighth pass, when a run lasted 30 - 60 ms on the R2DBC and JDBC sides, too
     * short to tell the engines from the JIT's compiling), for every engine alike.
     */
    private static final int SCANS = 50;

    /** The workloads of the group. */
    enum Kind {
        INSERT_TX("local-insert-tx", "10,000-row insert transaction, one statement per row"),
        INSERT_BATCH("local-insert-batch", "10,000-row insert transaction, batches of 100 rows (Statement.add())"),
        WRITES_8("local-writes-8", "auto-commit single-row inserts, 8 concurrent subscribers (800 rows)"),
        SELECT_1("local-select-1", "point selects by primary key, 1 subscriber (50,000 selects)"),
        SELECT_64("local-select-64", "point selects by primary key, 64 concurrent subscribers (50,000 selects)"),
        SCAN("local-scan", "10,000-row range scan streamed with backpressure (50 scans per run)");

        private final String name;
        private final String label;

        Kind(String name, String label) {
            this.name = name;
            this.label = label;
        }
    }

    private final Kind kind;

    LocalWorkload(Kind kind) {
        this.kind = kind;
    }

    /**
     * Every workload of the group.
     *
     * @return one per {@link Kind}
     */
    static List<Workload> all() {
        List<Workload> all = new ArrayList<>();
        for (Kind kind : Kind.values()) {
            all.add(new LocalWorkload(kind));
        }
        return all;
    }

    @Override
    public String name() {
        return kind.name;
    }

    @Override
    public String group() {
        return "local";
    }

    @Override
    public WorkloadResult run(BenchContext context) throws Exception {
        LocalReplicas replicas = context.shared("local-replicas", () -> LocalReplicas.open(context));
        Map<String, LocalEngine> engines = new LinkedHashMap<>();
        replicas.engines().forEach(engine -> engines.put(engine.name(), engine));
        Map<String, List<Throughput>> runs = new LinkedHashMap<>();
        engines.keySet().forEach(name -> runs.put(name, new ArrayList<>()));
        RandomText text = new RandomText();
        int warmups = context.options().warmups();
        int[] measured = new int[1];
        Rounds.variants(kind.name, context, List.copyOf(engines.keySet()), round -> measured[0] = round,
                (engine, round) -> {
                    Throughput run = measure(engines.get(engine), text);
                    if (round >= warmups) {
                        runs.get(engine).add(run);
                    }
                    return run.perSecond();
                });
        ThroughputRow row = new ThroughputRow(kind.label, runs, "ops/s: " + unit());
        return new WorkloadResult(List.of(), List.of(row), checks(row));
    }

    private Throughput measure(LocalEngine engine, RandomText text) throws Exception {
        return switch (kind) {
            case INSERT_TX -> engine.insertTransaction(LocalReplicas.WRITES_TABLE, texts(text, TRANSACTION_ROWS));
            case INSERT_BATCH -> engine.insertBatches(LocalReplicas.WRITES_TABLE, texts(text, TRANSACTION_ROWS),
                    BATCH);
            case WRITES_8 -> engine.concurrentWrites(LocalReplicas.WRITES_TABLE, texts(text, WRITES), WRITERS);
            case SELECT_1 -> engine.pointSelects(LocalReplicas.ITEMS_TABLE, SELECTS, LocalReplicas.ITEMS, 1);
            case SELECT_64 -> engine.pointSelects(LocalReplicas.ITEMS_TABLE, SELECTS, LocalReplicas.ITEMS, 64);
            case SCAN -> engine.scans(LocalReplicas.ITEMS_TABLE, LocalReplicas.ITEMS, SCANS);
        };
    }

    private String unit() {
        return switch (kind) {
            case INSERT_TX -> "rows; latency per statement";
            case INSERT_BATCH -> "rows; latency per batch of " + BATCH;
            case WRITES_8 -> "inserts (one transaction each); latency per insert";
            case SELECT_1, SELECT_64 -> "selects; latency per select";
            case SCAN -> "rows; latency per scan of " + LocalReplicas.ITEMS + " rows";
        };
    }

    private static List<String> texts(RandomText text, int rows) {
        List<String> texts = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) {
            texts.add(text.next(BYTES));
        }
        return texts;
    }

    private List<TargetCheck> checks(ThroughputRow row) {
        List<TargetCheck> checks = new ArrayList<>();
        Samples r2dbc = row.of("R2DBC", Throughput::perSecond);
        Samples jdbc = row.of("JDBC", Throughput::perSecond);
        Samples js = row.of(Report.JS, Throughput::perSecond);
        if (r2dbc != null && jdbc != null) {
            double ratio = r2dbc.median() / jdbc.median();
            checks.add(new TargetCheck(kind.name + ": R2DBC/JDBC ops/s >= 0.7", Report.ratio(ratio), ratio >= 0.7));
        }
        if (kind == Kind.INSERT_TX && r2dbc != null && js != null) {
            double ratio = js.median() / r2dbc.median();
            checks.add(new TargetCheck(kind.name + ": Java/JS time (JS ops/s / R2DBC ops/s) <= 1.0",
                    String.format(Locale.ROOT, "%.2f", ratio), ratio <= 1.0));
        }
        return checks;
    }
}
