package dev.tursosync.bench.fault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tursosync.SyncClient;
import dev.tursosync.testing.RemoteSql;
import dev.tursosync.testing.FaultCounts;
import dev.tursosync.testing.LocalSyncServer;
import dev.tursosync.testing.TursoServerExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault-injection suite (issue 7): two Java clients and one client of the official JS SDK write concurrently to
 * their own rows and sync, each through its own {@link FaultProxy} that refuses connections, resets them inside
 * requests and responses, delays, stalls, cuts responses short and answers 500, 502 and 503 itself. It runs until
 * the operations during which a fault was injected reach the target; then the proxies pass everything through, the
 * replicas sync until stable, and {@link FinalChecks} compares the remote with what every writer committed, every
 * replica and a fresh Java bootstrap with the remote, and checks every file with {@code integrity_check}. It prints a
 * report of operations, faulted operations, faults by kind and errors by type.
 *
 * <p>{@code -Dfault.ops=N} (default 500) sets the target of faulted operations; {@code -Dfault.seed=S} repeats a
 * run's random choices (faults, writes, operations), though not the threads' timing.
 */
@ExtendWith(TursoServerExtension.class)
final class FaultInjectionSuiteIntegrationTests {

    private static final Path JS = Path.of("js").toAbsolutePath();
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int MAX_ROUNDS = 10;
    /** No operation of any replica ending for this long is a hang (each operation gives up after its retries). */
    private static final Duration STALL = Duration.ofSeconds(300);
    private static final String PHASES = "phases (seconds)";

    private final LocalSyncServer server;
    private final FaultTally tally = new FaultTally();
    private final Operations operations = new Operations(tally);
    private final List<LocalWriter> writers = new ArrayList<>();
    private volatile boolean running = true;

    FaultInjectionSuiteIntegrationTests(LocalSyncServer server) {
        this.server = server;
    }

    @Test
    void faultedSyncLosesNothingDuplicatesNothingAndConverges(@TempDir Path dir) throws Exception {
        long seed = Long.getLong("fault.seed", System.nanoTime());
        int target = Integer.getInteger("fault.ops", 500);
        System.out.println("FaultInjectionSuiteIntegrationTests seed=" + seed + " fault.ops=" + target
                + " (repeat with -Dfault.seed=" + seed + ")");
        Random random = new Random(seed);
        long started = System.nanoTime();
        FinalChecks checks = new FinalChecks(tally);
        try (RemoteSql schema = new RemoteSql(server.url())) {
            schema.transaction(FaultTables.SCHEMA.toArray(String[]::new));
        }
        Replicas replicas = Replicas.open(server, dir, JS, random);
        try (replicas; RemoteReader remote = new RemoteReader(server.url())) {
            List<WriterModel> models = faultedPhase(replicas, random, target, checks);
            Convergence convergence = new Convergence(replicas, remote, tally);
            long converging = System.nanoTime();
            int rounds = convergence.run(MAX_ROUNDS);
            tally.add(PHASES, "converging after faults stopped", seconds(converging));
            tally.add("convergence", "sync rounds until stable", rounds);
            checks.check(rounds > 0, "all replicas converged once faults stopped", "the replicas did not converge in "
                    + MAX_ROUNDS + " rounds after faults stopped: " + convergence.difference());
            replicas.closeClients();
            compare(dir, replicas, remote.read(), models, checks);
        } finally {
            report(replicas, seed, target, started);
        }
        assertThat(checks.failures()).as("failed checks (seed %d; repeat with -Dfault.seed=%d)", seed, seed)
                .isEmpty();
    }

    /**
     * Writers and sync loops on all replicas, with faults on, until the faulted operations reach the target (or a
     * time limit, or a writer finds its rows changed).
     *
     * @return what the writers committed
     */
    private List<WriterModel> faultedPhase(Replicas replicas, Random random, int target, FinalChecks checks)
            throws InterruptedException {
        List<WriterModel> models = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        int number = 0;
        for (Map.Entry<String, SyncClient> java : replicas.javaClients().entrySet()) {
            for (int i = 1; i <= 2; i++) {
                WriterModel model = new WriterModel(java.getKey() + i, ++number);
                models.add(model);
                writers.add(new JavaWriter(model, java.getValue(), new Random(random.nextLong()), tally,
                        () -> running));
            }
            threads.add(new Thread(SyncLoop.java(java.getKey(), java.getValue(), replicas.proxy(java.getKey()),
                    operations, new Random(random.nextLong()), () -> running), "sync-" + java.getKey()));
        }
        WriterModel jsModel = new WriterModel("JS", ++number);
        models.add(jsModel);
        writers.add(new JsWriter(jsModel, replicas.js(), new Random(random.nextLong()), tally, () -> running));
        threads.add(new Thread(SyncLoop.js("JS", replicas.js(), replicas.proxy("JS"), operations,
                new Random(random.nextLong()), () -> running), "sync-JS"));
        writers.forEach(writer -> threads.add(new Thread(writer, "writer")));

        long started = System.nanoTime();
        replicas.faultsOn(true);
        threads.forEach(Thread::start);
        long lastFinished = -1;
        long lastProgress = System.nanoTime();
        try {
            // The phase ends on a count, never on a clock: a loaded machine runs fewer operations a second, so a
            // deadline would end it short of the target. Only a hang (no operation ending at all for STALL, far
            // more than an operation's timeouts and retries take) ends it early, and the check below fails then.
            while (operations.faulted() < target && System.nanoTime() - lastProgress < STALL.toNanos()
                    && writers.stream().allMatch(writer -> writer.violation() == null)) {
                Thread.sleep(200);
                long finished = operations.finished();
                if (finished != lastFinished) {
                    lastFinished = finished;
                    lastProgress = System.nanoTime();
                }
            }
        } finally {
            running = false;
            for (Thread thread : threads) {
                thread.join(TimeUnit.SECONDS.toMillis(120));
                checks.check(!thread.isAlive(), "thread stopped: " + thread.getName(), thread.getName()
                        + " did not stop within 120 s: " + List.of(thread.getStackTrace()));
            }
            replicas.faultsOn(false);
            tally.add(PHASES, "under faults", seconds(started));
        }
        checks.check(operations.faulted() >= target, "at least " + target + " faulted operations",
                "only " + operations.faulted() + " faulted operations, " + target + " wanted: no operation ended for "
                        + STALL.toSeconds() + " s (a sync loop hangs)");
        for (LocalWriter writer : writers) {
            checks.check(writer.violation() == null, "a writer always found its rows as it left them",
                    "writer " + writer.violation());
        }
        checks.check(tally.total(Operations.UNTYPED) == 0, "no Java operation failed with an untyped error",
                "Java operations failed with errors that are not TursoSyncException: "
                        + tally.section(Operations.UNTYPED));
        return models;
    }

    /** The remote against the writers, then every replica and file against the remote. */
    private void compare(Path dir, Replicas replicas, RemoteRows remote, List<WriterModel> models,
                         FinalChecks checks) throws Exception {
        checks.writers(remote, models);
        checks.tokens(remote, models);
        tally.add("rows", "rows on the remote", remote.quoted().size());
        Path fresh = dir.resolve("fresh.db");
        SyncClient bootstrap = Replicas.javaClient(fresh, server.url(), "fresh");
        try {
            bootstrap.open().block(WAIT);
            checks.sameRows("a fresh Java bootstrap", JavaRows.of(bootstrap), remote.quoted());
        } finally {
            bootstrap.close().block(WAIT);
        }
        for (String name : List.of("A", "B", "JS")) {
            checks.files(name, DatabaseFiles.check(replicas.db(name), dir.resolve("copies")), remote.quoted());
        }
        checks.files("fresh", DatabaseFiles.check(fresh, dir.resolve("copies")), remote.quoted());
    }

    private void report(Replicas replicas, long seed, int target, long started) {
        FaultCounts all = new FaultCounts(0, 0, Map.of());
        for (Map.Entry<String, FaultCounts> proxy : replicas.counts().entrySet()) {
            FaultCounts counts = proxy.getValue();
            all = all.plus(counts);
            tally.add("proxy connections and requests", proxy.getKey() + " connections", counts.connections());
            tally.add("proxy connections and requests", proxy.getKey() + " requests", counts.requests());
        }
        all.faults().forEach((kind, count) -> tally.add("faults injected by kind", kind.name(), count));
        System.out.println(tally.report("fault-injection suite report (seed " + seed + ", "
                + operations.faulted() + " faulted operations of " + tally.total(Operations.RUN) + ", target "
                + target + ", " + seconds(started) + " s, retry " + Replicas.RETRY + "):"));
    }

    private static long seconds(long since) {
        return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - since);
    }
}
