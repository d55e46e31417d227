package dev.tursosync.bench.crash;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tursosync.testing.RemoteSql;
import dev.tursosync.testing.LocalSyncServer;
import dev.tursosync.testing.TursoServerExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash-safety suite of rebase (issue 6): a child JVM ({@link RebaseCrashChild}) runs local writers and loops of
 * push, pull (rebasing the pending writes) and checkpoint on one replica while {@link RemoteChurn} changes the remote;
 * the test kills it with SIGKILL after a random delay, checks the replica ({@link ReplicaVerifier}) and starts the
 * next child on the same files. Now and then a kill that left a rebase journal is not checked at once: the next
 * child is then killed while its {@code open()} recovers, and the check follows that kill. At the end the replica
 * syncs and is compared with the remote, a fresh Java bootstrap and the official JS client
 * ({@link ConvergenceCheck}). It prints a report of the kills by phase and of the checks passed.
 *
 * <p>{@code -Dcrash.kills=N} (default 200) sets the number of kills; {@code -Dcrash.seed=S} repeats the random
 * choices of a run (kill delays, writes), though not the threads' timing.
 */
@ExtendWith(TursoServerExtension.class)
final class RebaseCrashSuiteIntegrationTests {

    private static final int WRITERS = 3;
    private static final long MAX_RUN_MILLIS = 1200;
    private static final long WARM_UP_MILLIS = 3000;
    private static final int DEFER_WITH_JOURNAL_PERCENT = 60;
    private static final int DEFER_PERCENT = 5;
    /**
     * Children run without writers this often, so that their pulls find nothing pending: the pull that writes its
     * pages once into the WAL, without a journal, and the checkpoints that fold its prefix, are killed too.
     */
    private static final int QUIET_PERCENT = 30;
    private static final String UNCHECKED = "kills left unchecked, the next child killed in its open()";
    private static final Path JS = Path.of("js").toAbsolutePath();

    private final LocalSyncServer server;
    private final CrashCounts counts = new CrashCounts();
    private final WriteHistory history = new WriteHistory();
    private long openMillis = 300;

    RebaseCrashSuiteIntegrationTests(LocalSyncServer server) {
        this.server = server;
    }

    @Test
    void killedReplicasKeepEveryCommittedWriteAndConverge(@TempDir Path dir) throws Exception {
        long seed = Long.getLong("crash.seed", System.nanoTime());
        int kills = Integer.getInteger("crash.kills", 200);
        System.out.println("RebaseCrashSuiteIntegrationTests seed=" + seed + " kills=" + kills
                + " (repeat with -Dcrash.seed=" + seed + ")");
        Random random = new Random(seed);
        long started = System.nanoTime();
        try {
            run(dir, seed, kills, random);
        } finally {
            counts.add("child writes", "transactions committed and logged", history.committedTransactions());
            counts.add("child writes", "transactions in flight at a kill", history.inFlightTransactions());
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
            System.out.println(counts.report("rebase crash-suite report (seed " + seed + ", " + kills + " kills, "
                    + seconds + " s):"));
        }
        assertThat(counts.total("kills by phase")).isEqualTo(kills);
        assertThat(counts.get(ReplicaVerifier.CHECKS, "integrity_check ok"))
                .isEqualTo(kills - counts.total(UNCHECKED));
    }

    /** The warm-up run, the kills with their checks, and the final comparison. */
    private void run(Path dir, long seed, int kills, Random random) throws Exception {
        try (RemoteSql schema = new RemoteSql(server.url())) {
            schema.transaction(CrashTables.SCHEMA);
        }
        Path db = dir.resolve("replica.db");
        Path logs = Files.createDirectories(dir.resolve("write-logs"));
        ChildJvm jvm = ChildJvm.prepare(dir);
        try (RemoteTables remote = new RemoteTables(server.url());
             RemoteChurn churn = new RemoteChurn(server.url(), new Random(random.nextLong()))) {
            ReplicaVerifier verifier = new ReplicaVerifier(db, server.url(), WRITERS, history, remote, counts);
            warmUp(jvm, db, logs, random);
            boolean killDuringOpen = false;
            for (int run = 1; run <= kills; run++) {
                churn.check();
                String context = "seed " + seed + ", kill " + run + " of " + kills;
                String phase = killOneChild(jvm, db, logs, run, random, killDuringOpen, context);
                context += " (" + phase + ")";
                boolean journal = CrashClients.holdsJournal(db);
                boolean defer = run < kills && !killDuringOpen
                        && random.nextInt(100) < (journal ? DEFER_WITH_JOURNAL_PERCENT : DEFER_PERCENT);
                if (defer) {
                    counts.add(UNCHECKED, journal ? "a rebase journal waits" : "no rebase journal");
                } else {
                    verifier.verify(context);
                }
                killDuringOpen = defer;
            }
            churn.stop();
            counts.add("remote writer", "transactions committed", churn.transactions());
            new ConvergenceCheck(server.url(), remote, counts).run(db, dir, JS, WRITERS, history, churn.rows());
        }
    }

    /**
     * Run 0: a child that bootstraps the replica, works for a few seconds and exits by itself, leaving the
     * class-data-sharing archive the other children start from.
     */
    private void warmUp(ChildJvm jvm, Path db, Path logs, Random random) throws Exception {
        Path logFile = logs.resolve(String.format("run-%05d.log", 0));
        CrashChildProcess child = CrashChildProcess.start(jvm.archiveRun(arguments(db, logFile, 0, random,
                WARM_UP_MILLIS, WRITERS)));
        int status = child.awaitExit();
        assertThat(status).as("the warm-up child's exit status; output:%n%s", child.output()).isZero();
        jvm.cleanTemporaryFiles();
        countWarnings(child);
        history.readRun(logFile, 0);
        counts.add("children", jvm.hasArchive() ? "warm-up run, wrote the class-data-sharing archive"
                : "warm-up run, no class-data-sharing archive (children start slower)");
    }

    private List<String> arguments(Path db, Path logFile, int run, Random random, long exitAfterMillis,
                                   int writers) {
        return List.of(server.url(), db.toString(), logFile.toString(), Integer.toString(run),
                Long.toString(random.nextLong()), Integer.toString(writers), Long.toString(exitAfterMillis));
    }

    /**
     * Starts a child for one run, kills it after a random delay (from its {@code READY}, or from its
     * {@code STARTING} to hit its {@code open()}), and reads its write log.
     *
     * @return the phase the child was in at the kill
     */
    private String killOneChild(ChildJvm jvm, Path db, Path logs, int run, Random random, boolean duringOpen,
                                String context) throws Exception {
        Path logFile = logs.resolve(String.format("run-%05d.log", run));
        boolean quiet = random.nextInt(100) < QUIET_PERCENT;
        CrashChildProcess child = CrashChildProcess.start(jvm.run(arguments(db, logFile, run, random, 0,
                quiet ? 0 : WRITERS)));
        counts.add("children", quiet ? "without writers (pulls over nothing pending)" : "with writers");
        long killAt;
        try {
            long starting = child.awaitLine("STARTING");
            long from;
            long delay;
            if (duringOpen) {
                from = starting;
                delay = random.nextLong(openMillis * 3 / 2 + 1);
            } else {
                from = child.awaitLine("READY");
                openMillis = TimeUnit.NANOSECONDS.toMillis(from - starting);
                delay = random.nextLong(MAX_RUN_MILLIS + 1);
            }
            long sleep = from + TimeUnit.MILLISECONDS.toNanos(delay) - System.nanoTime();
            if (sleep > 0) {
                TimeUnit.NANOSECONDS.sleep(sleep);
            }
            if (!child.isAlive()) {
                throw new AssertionError(context + ": the child ended before the kill, status "
                        + child.exitValue() + "; output:\n" + child.output());
            }
            killAt = child.kill();
        } catch (AssertionError | RuntimeException e) {
            child.kill();
            throw e;
        }
        jvm.cleanTemporaryFiles();
        assertThat(child.exitValue()).as("%s: exit status (137 = SIGKILL); output:%n%s", context, child.output())
                .isEqualTo(CrashChildProcess.SIGKILL_EXIT);
        String phase = child.phaseAt(killAt);
        counts.add("kills by phase", phase);
        counts.add("child operations completed", "pushes", child.count("DONE pushing"));
        counts.add("child operations completed", "pulls without pending changes", child.count("DONE pulling 0"));
        counts.add("child operations completed", "pulls that rebased pending changes",
                child.count("DONE pulling") - child.count("DONE pulling 0"));
        counts.add("child operations completed", "checkpoints", child.count("DONE checkpointing"));
        counts.add("child operations completed", "syncs", child.count("DONE syncing"));
        countWarnings(child);
        history.readRun(logFile, run);
        return phase;
    }

    /** Counts the warnings a child logged, with bracketed parts and numbers masked so that alike lines add up. */
    private void countWarnings(CrashChildProcess child) {
        for (String line : child.warnings()) {
            String masked = line.replaceAll("\\[[^\\]]*\\]", "[.]").replaceAll("[0-9]+", "#");
            counts.add("child log warnings and errors", masked.substring(0, Math.min(masked.length(), 160)));
        }
    }
}
