package dev.tursosync.bench;

import dev.tursosync.AutoSyncOptions;
import dev.tursosync.ChangeEvent;
import dev.tursosync.ChangeOperation;
import dev.tursosync.OperationResult;
import dev.tursosync.SyncClient;
import dev.tursosync.SyncState;
import dev.tursosync.SyncStats;
import dev.tursosync.r2dbc.TursoConnectionFactory;
import dev.tursosync.testing.LocalSyncServer;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.Result;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import java.util.function.ObjLongConsumer;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;
import org.reactivestreams.Publisher;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Sustained load on a replica under {@code autoSync} (issue 20's soak): on client A, 8 R2DBC writers each commit a
 * transaction (an insert and an update) every 20 ms, about 400 a second, and 2 readers select a row by key every
 * 5 ms; client B, on the same remote and also under {@code autoSync}, inserts a row every 20 ms. Both use the
 * default {@link AutoSyncOptions} and A the default checkpoint threshold (64 MiB).
 *
 * <p>Every window (15 s) reports A's pending changes and WAL size as the window closes, A's transaction latency (and
 * that of the transactions that overlapped a pull), the commit-to-event lag in both directions, and how many ticks
 * the writers missed because a transaction was still running. At the end, with background sync stopped, both
 * replicas sync and every committed row must be on both: the workload fails otherwise.
 *
 * <p>Only runs when named ({@code -Dbench.workloads=soak}); {@code -Dbench.soak.seconds} sets the length (default
 * 300).
 */
final class SoakWorkload implements Workload {

    private static final Duration GENEROUS = Duration.ofMinutes(10);
    private static final long WINDOW_SECONDS = 15;
    private static final int WRITERS = 8;
    private static final int READERS = 2;
    private static final Duration WRITE_EVERY = Duration.ofMillis(20);
    private static final Duration READ_EVERY = Duration.ofMillis(5);
    private static final Duration B_WRITES_EVERY = Duration.ofMillis(20);
    private static final long CHECKPOINT_THRESHOLD = 64L * 1024 * 1024;
    private static final String BODY = "x".repeat(100);

    @Override
    public String name() {
        return "soak";
    }

    @Override
    public boolean onlyWhenNamed() {
        return true;
    }

    @Override
    public WorkloadResult run(BenchContext context) throws Exception {
        Duration length = Duration.ofSeconds(Long.getLong("bench.soak.seconds", 300));
        LocalSyncServer remote = context.emptyRemote("soak");
        Disposable.Composite proxies = Disposables.composite();
        RequestLog requests = requestLog(proxies);
        SyncClient a = open(url(remote, "A", requests, proxies),
                context.freshDirectory("soak-a").resolve("replica.db"), "soak-a");
        SyncClient b = open(url(remote, "B", requests, proxies),
                context.freshDirectory("soak-b").resolve("replica.db"), "soak-b");
        Disposable.Composite running = Disposables.composite();
        try {
            TursoConnectionFactory factoryA = TursoConnectionFactory.of(a);
            TursoConnectionFactory factoryB = TursoConnectionFactory.of(b);
            execute(factoryA, "CREATE TABLE soak_a (id INTEGER PRIMARY KEY, writer INTEGER, seq INTEGER, "
                    + "body TEXT, touched INTEGER)");
            execute(factoryA, "CREATE TABLE soak_b (id INTEGER PRIMARY KEY, body TEXT)");
            a.push().block(GENEROUS);
            b.pullChanges().then().block(GENEROUS);

            Run run = new Run();
            running.add(a.status().subscribe(status -> run.pullState(status.state())));
            running.add(a.operations().subscribe(run::operation));
            running.add(b.changes().subscribe(event -> run.arrived(event, "soak_a", run.committedOnA,
                    SoakWindow::lagToB, SoakWindow::resetOnB)));
            running.add(a.changes().subscribe(event -> run.arrived(event, "soak_b", run.committedOnB,
                    SoakWindow::lagToA, SoakWindow::resetOnA)));
            running.add(a.autoSync(AutoSyncOptions.defaults()));
            running.add(b.autoSync(AutoSyncOptions.defaults()));
            Sinks.Empty<Void> stop = Sinks.empty();
            Mono<Void> load = Mono.when(writersOnA(factoryA, run, stop.asMono()),
                    readersOnA(factoryA, run, stop.asMono()), writerOnB(factoryB, run, stop.asMono()));
            List<SoakWindow> windows = new ArrayList<>();
            Mono<Void> sampler = Flux.interval(Duration.ofSeconds(WINDOW_SECONDS)).takeUntilOther(stop.asMono())
                    .concatMap(tick -> a.stats().doOnNext(stats -> {
                        SoakWindow closed = run.nextWindow(stats);
                        windows.add(closed);
                        // as it closes, so a run that fails later still shows its windows (lags of commits near the
                        // window's end may still arrive; the table at the end has them all)
                        System.out.print("  soak window " + closed.row(WINDOW_SECONDS));
                        if (requests != null) {
                            System.out.print(requests.windowSummary());
                        }
                    }))
                    .then();
            Mono<Void> clock = Mono.delay(length).doOnNext(tick -> stop.tryEmitEmpty()).then();
            System.out.printf("  soak: %d s, windows of %d s%n", length.toSeconds(), WINDOW_SECONDS);
            Mono.when(load, sampler, clock).block(length.plus(GENEROUS));
            running.dispose();

            long lost = converge(a, b, factoryA, factoryB, run);
            return result(windows, run, lost, length);
        } finally {
            running.dispose();
            a.close().block(GENEROUS);
            b.close().block(GENEROUS);
            proxies.dispose();
        }
    }

    /**
     * The request log of {@code -Dbench.soak.requestLog=<file>}, closed with {@code proxies}; {@code null} when the
     * option is not set.
     */
    private static RequestLog requestLog(Disposable.Composite proxies) {
        String file = System.getProperty("bench.soak.requestLog", "");
        if (file.isBlank()) {
            return null;
        }
        RequestLog log = RequestLog.to(Path.of(file));
        proxies.add(log::close);
        System.out.println("  soak: every request logged to " + Path.of(file).toAbsolutePath());
        return log;
    }

    /** The URL a client uses: the server's, or a {@link RequestLogProxy}'s when requests are logged. */
    private static String url(LocalSyncServer remote, String client, RequestLog requests,
                              Disposable.Composite proxies) {
        if (requests == null) {
            return remote.url();
        }
        RequestLogProxy proxy = RequestLogProxy.start(client, remote.url(), requests);
        proxies.add(proxy::close);
        return proxy.url();
    }

    private static SyncClient open(String url, Path path, String name) {
        SyncClient client = SyncClient.builder().path(path).url(url).clientName("bench-" + name)
                .responseTimeout(GENEROUS).autoCheckpointWalBytes(CHECKPOINT_THRESHOLD).build();
        client.open().block(GENEROUS);
        return client;
    }

    /** Eight writers, each committing an insert and an update of one of its earlier rows every 20 ms. */
    private static Mono<Void> writersOnA(TursoConnectionFactory factory, Run run, Mono<Void> stop) {
        return Flux.range(0, WRITERS).flatMap(writer -> Mono.usingWhen(Mono.from(factory.create()),
                connection -> ticks(WRITE_EVERY, stop, () -> run.window().missedWrite())
                        .concatMap(tick -> transaction(connection, writer, tick, run)).then(),
                Connection::close), WRITERS).then();
    }

    private static Mono<Void> transaction(Connection connection, int writer, long seq, Run run) {
        long id = run.nextIdOnA.incrementAndGet();
        long earlier = 1 + ThreadLocalRandom.current().nextLong(id);
        return Mono.defer(() -> {
            long pullsBefore = run.pullsStarted.get();
            boolean pullingBefore = run.pulling.get();
            long start = System.nanoTime();
            return Mono.from(connection.beginTransaction())
                    .then(rowsUpdated(connection.createStatement(
                                    "INSERT INTO soak_a (id, writer, seq, body, touched) VALUES (?, ?, ?, ?, 0)")
                            .bind(0, id).bind(1, writer).bind(2, seq).bind(3, BODY).execute()))
                    .then(rowsUpdated(connection.createStatement(
                                    "UPDATE soak_a SET touched = touched + 1 WHERE id = ?")
                            .bind(0, earlier).execute()))
                    .then(Mono.from(connection.commitTransaction()))
                    .doOnSuccess(done -> {
                        long now = System.nanoTime();
                        run.committedOnA.put(id, now);
                        boolean overlapped = pullingBefore || run.pulling.get()
                                || run.pullsStarted.get() != pullsBefore;
                        run.window().write(now - start, overlapped);
                    });
        });
    }

    /** Two readers, each selecting a random committed row by key every 5 ms. */
    private static Mono<Void> readersOnA(TursoConnectionFactory factory, Run run, Mono<Void> stop) {
        return Flux.range(0, READERS).flatMap(reader -> Mono.usingWhen(Mono.from(factory.create()),
                connection -> ticks(READ_EVERY, stop, SoakWorkload::ignore).concatMap(tick -> Mono.defer(() -> {
                    long start = System.nanoTime();
                    long id = 1 + ThreadLocalRandom.current().nextLong(Math.max(1, run.nextIdOnA.get()));
                    return Flux.from(connection.createStatement("SELECT body, touched FROM soak_a WHERE id = ?")
                                    .bind(0, id).execute())
                            .flatMap(result -> result.map((row, meta) -> row.get(1, Long.class)))
                            .then(Mono.fromRunnable(() -> run.window().read(System.nanoTime() - start)));
                })).then(), Connection::close), READERS).then();
    }

    /** Client B inserts one row every 20 ms. */
    private static Mono<Void> writerOnB(TursoConnectionFactory factory, Run run, Mono<Void> stop) {
        return Mono.usingWhen(Mono.from(factory.create()), connection -> ticks(B_WRITES_EVERY, stop,
                        SoakWorkload::ignore).concatMap(tick -> Mono.defer(() -> {
                    long id = tick + 1;
                    return rowsUpdated(connection.createStatement("INSERT INTO soak_b (id, body) VALUES (?, ?)")
                            .bind(0, id).bind(1, BODY).execute())
                            .doOnSuccess(done -> run.committedOnB.put(id, System.nanoTime()));
                })).then(), Connection::close);
    }

    /**
     * A tick every period until {@code stop}, numbered from 0; a tick that comes while the last one's work still runs
     * is missed (and reported to {@code missed}), so a slow database lowers the rate instead of queueing work.
     */
    private static Flux<Long> ticks(Duration period, Mono<Void> stop, Runnable missed) {
        AtomicLong sequence = new AtomicLong();
        return Flux.interval(period).takeUntilOther(stop)
                .onBackpressureDrop(dropped -> missed.run())
                .map(tick -> sequence.getAndIncrement());
    }

    private static void ignore() {
    }

    private static Mono<Long> rowsUpdated(Publisher<? extends Result> results) {
        return Flux.from(results).flatMap(Result::getRowsUpdated).reduce(0L, Long::sum);
    }

    private static void execute(TursoConnectionFactory factory, String sql) {
        Mono.usingWhen(Mono.from(factory.create()), connection -> rowsUpdated(connection.createStatement(sql)
                .execute()), Connection::close).block(GENEROUS);
    }

    private static long count(TursoConnectionFactory factory, String table) {
        return Mono.usingWhen(Mono.from(factory.create()), connection -> Flux.from(connection
                        .createStatement("SELECT count(*) FROM " + table).execute())
                .flatMap(result -> result.map((row, meta) -> row.get(0, Long.class))).next(), Connection::close)
                .block(GENEROUS);
    }

    /**
     * With background sync stopped, pushes and pulls both replicas once more and returns how many committed rows
     * either of them misses (0 when nothing was lost).
     */
    private static long converge(SyncClient a, SyncClient b, TursoConnectionFactory factoryA,
                                 TursoConnectionFactory factoryB, Run run) {
        long start = System.nanoTime();
        a.push().block(GENEROUS);
        b.push().block(GENEROUS);
        a.pullChanges().then().block(GENEROUS);
        b.pullChanges().then().block(GENEROUS);
        System.out.printf("  soak: final sync in %.1f s%n", Millis.since(start) / 1000);
        long missing = 0;
        for (TursoConnectionFactory factory : List.of(factoryA, factoryB)) {
            missing += run.committedOnA.size() - count(factory, "soak_a");
            missing += run.committedOnB.size() - count(factory, "soak_b");
        }
        return missing;
    }

    private static WorkloadResult result(List<SoakWindow> windows, Run run, long lost, Duration length) {
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT,
                "Soak (%d s; A: %d writers every %d ms, %d readers every %d ms; B: one insert every %d ms; "
                        + "committed on A %d, on B %d):%n%n", length.toSeconds(), WRITERS, WRITE_EVERY.toMillis(),
                READERS, READ_EVERY.toMillis(), B_WRITES_EVERY.toMillis(), run.committedOnA.size(),
                run.committedOnB.size()));
        table.append(SoakWindow.header());
        windows.forEach(window -> table.append(window.row(WINDOW_SECONDS)));
        System.out.println(table);

        List<SoakWindow> settled = windows.stream().filter(w -> (w.index() + 1) * WINDOW_SECONDS > 60).toList();
        List<TargetCheck> checks = new ArrayList<>();
        checks.add(new TargetCheck("soak: every committed row on both replicas after the final sync",
                lost + " missing", lost == 0));
        checks.add(worst("soak: pending changes < 2,000 in every window after the first minute", settled,
                SoakWindow::pendingChanges, 2000, Long::toString));
        checks.add(worst("soak: WAL < 2x the checkpoint threshold (128 MiB) in every window after the first minute",
                settled, SoakWindow::walBytes, 2 * CHECKPOINT_THRESHOLD, Report::megabytes));
        checks.add(worstMs("soak: commit-to-event lag A→B p99 < 2 s (worst window after the first minute)", settled,
                SoakWindow::lagToBP99Ms, 2000));
        checks.add(worstMs("soak: commit-to-event lag B→A p99 < 2 s (worst window after the first minute)", settled,
                SoakWindow::lagToAP99Ms, 2000));
        checks.add(worstMs("soak: local write latency p99 < 100 ms (worst window)", windows,
                SoakWindow::writeP99Ms, 100));
        checks.add(worstMs("soak: local write latency p99 < 100 ms while pulls run (worst window)", windows,
                SoakWindow::writeDuringPullP99Ms, 100));
        return new WorkloadResult(List.of(), List.of(), checks, List.of(table.toString()));
    }

    private static TargetCheck worst(String target, List<SoakWindow> windows, ToLongFunction<SoakWindow> figure,
                                     long limit, LongFunction<String> format) {
        long worst = windows.stream().mapToLong(figure).max().orElse(-1);
        return new TargetCheck(target, windows.isEmpty() ? "no window" : format.apply(worst),
                !windows.isEmpty() && worst < limit);
    }

    private static TargetCheck worstMs(String target, List<SoakWindow> windows,
                                       ToDoubleFunction<SoakWindow> figure, double limit) {
        double worst = windows.stream().mapToDouble(figure).filter(v -> !Double.isNaN(v)).max().orElse(Double.NaN);
        return new TargetCheck(target, Double.isNaN(worst) ? "not measured" : Report.millis(worst) + " ms",
                !Double.isNaN(worst) && worst < limit);
    }

    /** The shared state of one soak run: ids, commit times, the current window, whether A is pulling. */
    private static final class Run {

        final AtomicLong nextIdOnA = new AtomicLong();
        final Map<Long, Long> committedOnA = new ConcurrentHashMap<>();
        final Map<Long, Long> committedOnB = new ConcurrentHashMap<>();
        final AtomicBoolean pulling = new AtomicBoolean();
        final AtomicLong pullsStarted = new AtomicLong();
        private final AtomicReference<SoakWindow> current = new AtomicReference<>(new SoakWindow(0));

        SoakWindow window() {
            return current.get();
        }

        /** Closes the current window with A's stats and opens the next; returns the closed one. */
        SoakWindow nextWindow(SyncStats stats) {
            SoakWindow closed = current.get();
            current.set(new SoakWindow(closed.index() + 1));
            closed.closedWith(stats.pendingChanges(), stats.walSizeBytes());
            return closed;
        }

        void pullState(SyncState state) {
            boolean now = state == SyncState.PULLING;
            if (now && !pulling.getAndSet(true)) {
                pullsStarted.incrementAndGet();
            } else if (!now) {
                pulling.set(false);
            }
        }

        void operation(OperationResult result) {
            SoakWindow window = window();
            if (result.outcome() == OperationResult.Outcome.FAILURE) {
                window.failure();
            }
            switch (result.operation()) {
                case PULL -> window.pull();
                case PUSH -> window.push();
                case CHECKPOINT -> window.checkpoint();
            }
        }

        /**
         * Records the lag of an insert event for one of the rows a replica committed, or a reset of the table (a pull
         * that changed too many of its pages reports no rows, so no lag).
         */
        void arrived(ChangeEvent event, String table, Map<Long, Long> committed,
                     ObjLongConsumer<SoakWindow> lag, Consumer<SoakWindow> reset) {
            if (!table.equals(event.table())) {
                return;
            }
            if (event.operation() == ChangeOperation.RESET) {
                reset.accept(window());
                return;
            }
            if (event.operation() != ChangeOperation.INSERT || event.rowid() == null) {
                return;
            }
            Long at = committed.get(event.rowid());
            if (at != null) {
                lag.accept(window(), System.nanoTime() - at);
            }
        }
    }
}
