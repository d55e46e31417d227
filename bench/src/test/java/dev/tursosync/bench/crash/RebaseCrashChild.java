package dev.tursosync.bench.crash;

import dev.tursosync.SyncClient;
import dev.tursosync.internal.client.DefaultSyncClient;
import dev.tursosync.internal.db.ConnectionManager;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The child JVM of {@link RebaseCrashSuiteIntegrationTests}: a workload on one replica until it is killed with
 * SIGKILL.
 *
 * <p>Arguments: remote URL, database path, write log file, run number, seed, number of writers. It opens the
 * replica, starts the {@link CrashWriter}s and loops over {@code push()}, {@code pullChanges()},
 * {@code checkpoint()} and {@code sync()} with short pauses. On stdout: {@code STARTING journal=<bool>} (whether a
 * rebase journal waits for recovery), {@code READY}, and {@code PHASE <name>} when the sync loop starts an
 * operation ({@code pushing}, {@code pulling <pending changes>}, {@code checkpointing}, {@code syncing}) or pauses
 * ({@code writing}), {@code DONE <name>} when it ends. Any failure prints {@code FAILED} with the stack trace and
 * exits with status 1; it never exits on its own otherwise.
 */
public final class RebaseCrashChild {

    /** Only turns a hang into a failure (see {@link CrashChildProcess#HANG}). */
    private static final Duration WAIT = CrashChildProcess.HANG;

    private RebaseCrashChild() {
    }

    public static void main(String[] args) {
        Thread.setDefaultUncaughtExceptionHandler((thread, failure) -> fail(failure));
        try {
            String url = args[0];
            Path db = Path.of(args[1]);
            Path logFile = Path.of(args[2]);
            int run = Integer.parseInt(args[3]);
            Random random = new Random(Long.parseLong(args[4]));
            int writers = Integer.parseInt(args[5]);
            long exitAfterMillis = args.length > 6 ? Long.parseLong(args[6]) : 0;
            say("STARTING journal=" + CrashClients.holdsJournal(db));
            SyncClient client = CrashClients.replica(db, url);
            client.open().block(WAIT);
            say("READY");
            ConnectionManager connections = ((DefaultSyncClient) client).connections();
            TableRows rows = connections.withConnection(TableRows::read).block(WAIT);
            WriteLog log = WriteLog.create(logFile);
            for (int writer = 1; writer <= writers; writer++) {
                Thread thread = new Thread(new CrashWriter(writer, run, connections, log,
                        new Random(random.nextLong()), rows.of(writer)), "crash-writer-" + writer);
                thread.setDaemon(true);
                thread.start();
            }
            syncLoop(client, random, exitAfterMillis == 0 ? Long.MAX_VALUE
                    : System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(exitAfterMillis));
            say("EXITING");
            System.exit(0);
        } catch (Throwable failure) {
            fail(failure);
        }
    }

    private static void syncLoop(SyncClient client, Random random, long until) throws InterruptedException {
        while (System.nanoTime() - until < 0) {
            int dice = random.nextInt(100);
            String phase;
            if (dice < 35) {
                phase = "pushing";
                say("PHASE " + phase);
                client.push().block(WAIT);
            } else if (dice < 70) {
                phase = "pulling " + client.stats().block(WAIT).pendingChanges();
                say("PHASE " + phase);
                client.pullChanges().blockLast(WAIT);
            } else if (dice < 88) {
                phase = "checkpointing";
                say("PHASE " + phase);
                client.checkpoint().block(WAIT);
            } else {
                phase = "syncing";
                say("PHASE " + phase);
                client.sync().block(WAIT);
            }
            say("DONE " + phase);
            say("PHASE writing");
            Thread.sleep(random.nextInt(40));
        }
    }

    private static void say(String line) {
        synchronized (System.out) {
            System.out.println(line);
            System.out.flush();
        }
    }

    private static void fail(Throwable failure) {
        synchronized (System.out) {
            System.out.println("FAILED " + failure);
            failure.printStackTrace(System.out);
            System.out.flush();
        }
        Runtime.getRuntime().halt(1);
    }
}
