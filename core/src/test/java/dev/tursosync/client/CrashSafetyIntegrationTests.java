package dev.tursosync.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.tursosync.SyncClient;
import dev.tursosync.testing.LocalSyncServer;
import dev.tursosync.testing.TursoServerExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;

/**
 * Crash safety: a child JVM ({@link CrashChild}) bootstraps or pulls and is killed with SIGKILL at a random moment.
 * Afterwards the database, if it exists, passes {@code integrity_check} and holds one of the remote states the child
 * could have seen; a new client opens it (finishing whatever the crash interrupted), pulls, and then equals the
 * current remote state.
 *
 * <p>{@code -Dcrash.trials=N} (default 50) sets the number of killed trials, half bootstraps and half pulls;
 * {@code -Dcrash.seed=S} replays a run.
 */
@ExtendWith(TursoServerExtension.class)
final class CrashSafetyIntegrationTests {

    private static final Duration WAIT = Duration.ofSeconds(60);
    /**
     * How long the parent waits for a line of the child (a JVM start, a bootstrap, a pull) before it calls the child
     * hung. Only a hang may reach it: at a load average of 25 to 30 a JVM start took 47 s and a bootstrap 48 s, so a
     * minute was an assumption about the machine's speed, not a hang detector.
     */
    static final Duration HANG = Duration.ofMinutes(5);
    private static final String TABLE = "crash_t";
    private static final int INITIAL_ROWS = 4000;
    private static final int PULL_TRIALS_PER_DB = 8;
    private static final int SIGKILL_EXIT = 137;

    private final LocalSyncServer server;
    private final Map<String, Integer> counts = new TreeMap<>();
    private int generation;
    private long nextId = INITIAL_ROWS + 1;

    CrashSafetyIntegrationTests(LocalSyncServer server) {
        this.server = server;
    }

    /** One remote or local state of the table: row count and a digest of every row. */
    private record State(int rows, String digest, List<Long> ids) {

        @Override
        public boolean equals(Object other) {
            return other instanceof State state && state.rows == rows && state.digest.equals(digest);
        }

        @Override
        public int hashCode() {
            return digest.hashCode();
        }

        @Override
        public String toString() {
            return rows + " rows " + digest.substring(0, 12);
        }
    }

    @Test
    void aKilledBootstrapOrPullLeavesTheOldOrTheNewStateAndRecovers(@TempDir Path dir) throws Exception {
        long seed = Long.getLong("crash.seed", System.nanoTime());
        int trials = Integer.getInteger("crash.trials", 50);
        int bootstrapTrials = trials / 2;
        int pullTrials = trials - bootstrapTrials;
        System.out.println("CrashSafetyIntegrationTests seed=" + seed + " trials=" + trials
                + " (replay with -Dcrash.seed=" + seed + ")");
        Random random = new Random(seed);
        long started = System.nanoTime();
        ScheduledExecutorService killer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "crash-killer");
            thread.setDaemon(true);
            return thread;
        });
        try (RemoteSql remote = new RemoteSql(server.url())) {
            seed(remote);
            State initial = remoteState(remote);
            System.out.println("remote seeded: " + initial);

            // ---- bootstrap ----
            Calibration bootstrap = calibrateBootstrap(dir, remote, killer);
            System.out.println("bootstrap calibration: jvm start " + bootstrap.beforeStartMillis
                    + " ms, open (bootstrap) " + bootstrap.openMillis + " ms");
            for (int trial = 0; trial < bootstrapTrials; trial++) {
                String label = "seed " + seed + " bootstrap trial " + trial;
                Path db = dir.resolve("boot-" + trial + ".db");
                List<State> allowed = List.of(remoteState(remote));
                Child child = Child.start(server.url(), db, "bootstrap", Long.MAX_VALUE);
                try {
                    long delay;
                    if (random.nextInt(100) < 15) {
                        delay = random.nextLong(bootstrap.beforeStartMillis + bootstrap.openMillis + 1);
                        count("bootstrap kill timed from the JVM start");
                        child.killAfter(killer, delay);
                    } else {
                        child.awaitLine("STARTING", label);
                        delay = random.nextLong(bootstrap.openMillis * 6 / 5 + 1);
                        child.killAfter(killer, delay);
                    }
                    killedAndCheck(child, label + " (kill after " + delay + " ms)");
                } finally {
                    child.stop();
                }
                if (child.sawLine("READY")) {
                    count("bootstrap killed after READY");
                }
                if (random.nextInt(100) < 30) {
                    change(remote, random);
                    count("bootstrap trial with a remote change before recovery");
                }
                verifyAndRecover(db, allowed, remote, label, child);
            }

            // ---- pull ----
            Path db = null;
            State verified = null;
            Calibration pull = null;
            for (int trial = 0; trial < pullTrials; trial++) {
                if (trial % PULL_TRIALS_PER_DB == 0) {
                    db = dir.resolve("pull-" + trial + ".db");
                    verified = bootstrapInParent(db, remote);
                    if (pull == null) {
                        pull = calibratePull(db, remote, random, killer, verified);
                        verified = remoteState(remote);
                        System.out.println("pull calibration: open " + pull.openMillis + " ms, first pull "
                                + pull.pullMillis + " ms");
                    }
                }
                String label = "seed " + seed + " pull trial " + trial;
                List<State> allowed = new ArrayList<>();
                allowed.add(verified);
                change(remote, random);
                allowed.add(remoteState(remote));
                Child child = Child.start(server.url(), db, "pull", Long.MAX_VALUE);
                long delay;
                try {
                    child.awaitLine("STARTING", label);
                    boolean afterReady = random.nextInt(100) < 70;
                    if (afterReady) {
                        child.awaitLine("READY", label);
                        // half of them aimed at the end of the first pull: pending metadata, WAL append, checkpoint
                        delay = random.nextBoolean() ? random.nextLong(pull.pullMillis * 3 / 2 + 1)
                                : pull.pullMillis * 6 / 10 + random.nextLong(pull.pullMillis / 2 + 1);
                    } else {
                        delay = random.nextLong(pull.openMillis + 2 * pull.pullMillis + 1);
                    }
                    child.killAfter(killer, delay);
                    if (random.nextInt(100) < 40) {
                        change(remote, random);
                        allowed.add(remoteState(remote));
                        count("pull trial with a second remote change while the child runs");
                    }
                    killedAndCheck(child, label + " (kill " + delay + " ms after " + (afterReady ? "READY" : "STARTING")
                            + ")");
                } finally {
                    child.stop();
                }
                count("pull trial child completed " + Math.min(child.count("PULLED"), 2) + (
                        child.count("PULLED") >= 2 ? "+" : "") + " pulls before the kill");
                State local = verifyAndRecover(db, allowed, remote, label, child);
                verified = local;
            }
        } finally {
            killer.shutdownNow();
        }
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
        StringBuilder report = new StringBuilder("crash-safety report (seed " + seed + ", " + seconds + " s):");
        counts.forEach((name, value) -> report.append("\n  ").append(name).append(": ").append(value));
        System.out.println(report);
        assertThat(counts.getOrDefault("trials", 0)).isGreaterThanOrEqualTo(trials);
        assertThat(counts.getOrDefault("trials killed with SIGKILL (exit 137)", 0)).isGreaterThanOrEqualTo(trials);
    }

    // ---- trials ---------------------------------------------------------------------------------------------

    private record Calibration(long beforeStartMillis, long openMillis, long pullMillis) {
    }

    private Calibration calibrateBootstrap(Path dir, RemoteSql remote, ScheduledExecutorService killer)
            throws Exception {
        Path db = dir.resolve("calibration.db");
        List<State> allowed = List.of(remoteState(remote));
        Child child = Child.start(server.url(), db, "bootstrap", Long.MAX_VALUE);
        long beforeStart;
        long open;
        try {
            beforeStart = child.awaitLine("STARTING", "bootstrap calibration") - child.startedAt;
            open = child.awaitLine("READY", "bootstrap calibration") - child.startedAt - beforeStart;
            child.killAfter(killer, 0);
            killedAndCheck(child, "bootstrap calibration", false);
        } finally {
            child.stop();
        }
        verifyAndRecover(db, allowed, remote, "bootstrap calibration", child);
        count("calibration runs (killed after READY/PULLED, not counted as trials)");
        return new Calibration(TimeUnit.NANOSECONDS.toMillis(beforeStart), TimeUnit.NANOSECONDS.toMillis(open), 0);
    }

    private Calibration calibratePull(Path db, RemoteSql remote, Random random, ScheduledExecutorService killer,
                                      State verified) throws Exception {
        List<State> allowed = new ArrayList<>(List.of(verified));
        change(remote, random);
        allowed.add(remoteState(remote));
        Child child = Child.start(server.url(), db, "pull", 1);
        long open;
        long pull;
        try {
            long starting = child.awaitLine("STARTING", "pull calibration");
            long ready = child.awaitLine("READY", "pull calibration");
            long pulled = child.awaitLine("PULLED", "pull calibration");
            open = ready - starting;
            pull = pulled - ready;
            child.killAfter(killer, 0);
            killedAndCheck(child, "pull calibration", false);
        } finally {
            child.stop();
        }
        State local = verifyAndRecover(db, allowed, remote, "pull calibration", child);
        assertThat(local).as("the uninterrupted pull reached the new state").isEqualTo(allowed.get(1));
        count("calibration runs (killed after READY/PULLED, not counted as trials)");
        return new Calibration(0, TimeUnit.NANOSECONDS.toMillis(open), TimeUnit.NANOSECONDS.toMillis(pull));
    }

    private void killedAndCheck(Child child, String label) throws Exception {
        killedAndCheck(child, label, true);
    }

    private void killedAndCheck(Child child, String label, boolean trial) throws Exception {
        // waits for the kill itself, then for the exit it causes: the wait for the exit is counted from the kill,
        // never from its scheduling (a kill scaled from a calibration on a loaded machine came 83 s after the start,
        // past a 60 s wait counted from there)
        child.awaitKill();
        boolean ended = child.process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(ended).as("%s: the child ended within %d s of its SIGKILL", label, WAIT.toSeconds()).isTrue();
        assertThat(child.process.exitValue()).as("%s: exit status (137 = SIGKILL); child output:%n%s", label,
                child.output()).isEqualTo(SIGKILL_EXIT);
        if (trial) {
            count("trials");
            count("trials killed with SIGKILL (exit 137)");
        }
    }

    /**
     * Checks the files the killed child left, then opens a client on them, pulls and compares with the remote.
     *
     * @return the state the database holds afterwards (the current remote state)
     */
    private State verifyAndRecover(Path db, List<State> allowed, RemoteSql remote, String label, Child child)
            throws Exception {
        Path info = sibling(db, "-info");
        Path stage = sibling(db, "-changes");
        Path bootstrapFile = sibling(db, ".bootstrap");
        boolean dbExists = Files.exists(db) && Files.size(db) > 0;
        boolean infoExists = Files.exists(info);
        String metadata = infoExists ? Files.readString(info) : "";
        boolean pending = metadata.matches("(?s).*\"pending_pull\"\\s*:\\s*\\{.*");
        String files = "db=" + dbExists + " info=" + infoExists + " pending=" + pending + " changes="
                + Files.exists(stage) + " bootstrap=" + Files.exists(bootstrapFile) + " wal="
                + sizeOrMissing(sibling(db, "-wal"));
        String context = label + " [" + files + "]; metadata " + metadata + "; child output:\n" + child.output();

        if (dbExists) {
            assertThat(infoExists).as("%s: a database exists without its metadata", context).isTrue();
            State local;
            try (Connection connection = readOnly(db)) {
                assertThat(integrityCheck(connection)).as("%s: integrity_check", context).isEqualTo("ok");
                count("integrity checks after a kill");
                local = localState(connection);
            }
            int index = allowed.indexOf(local);
            assertThat(index).as("%s: local state %s is not one of the remote states %s", context, local, allowed)
                    .isNotNegative();
            count(index == 0 ? "after the kill: old state" : index == allowed.size() - 1
                    ? "after the kill: newest state" : "after the kill: an intermediate state");
        } else {
            count(infoExists && Files.exists(bootstrapFile)
                    ? "after the kill: no db yet, bootstrap file and metadata (install pending)"
                    : "after the kill: no db");
        }
        if (pending) {
            count("after the kill: pending pull in the metadata (finished by open)");
        }
        if (Files.exists(stage) && !pending) {
            count("after the kill: stage file without pending pull");
        }

        SyncClient client = SyncClient.builder().path(db).url(server.url()).clientName("crash").build();
        try {
            client.open().block(WAIT);
            client.pullChanges().blockLast(WAIT);
        } catch (RuntimeException e) {
            throw new AssertionError(context + ": open or pull after the crash failed: " + e, e);
        } finally {
            client.close().block(WAIT);
        }
        count("recoveries (open + pull) completed");
        if (pending) {
            count("recoveries that finished a pending pull");
        }
        State expected = remoteState(remote);
        State after;
        try (Connection connection = readOnly(db)) {
            assertThat(integrityCheck(connection)).as("%s: integrity_check after recovery", context)
                    .isEqualTo("ok");
            after = localState(connection);
        }
        assertThat(after).as("%s: after open and pull the local state equals the remote", context)
                .isEqualTo(expected);
        String metadataAfter = Files.readString(info);
        assertThat(metadataAfter).as("%s: no pending pull after recovery", context)
                .doesNotContainPattern("\"pending_pull\"\\s*:\\s*\\{");
        assertThat(stage).as("%s: no staged pull left after recovery", context).doesNotExist();
        assertThat(bootstrapFile).as("%s: no bootstrap file after recovery", context).doesNotExist();
        return after;
    }

    private State bootstrapInParent(Path db, RemoteSql remote) throws Exception {
        SyncClient client = SyncClient.builder().path(db).url(server.url()).clientName("crash").build();
        try {
            client.open().block(WAIT);
        } finally {
            client.close().block(WAIT);
        }
        State expected = remoteState(remote);
        try (Connection connection = readOnly(db)) {
            assertThat(localState(connection)).isEqualTo(expected);
        }
        return expected;
    }

    private void count(String name) {
        counts.merge(name, 1, Integer::sum);
    }

    // ---- remote data ----------------------------------------------------------------------------------------

    private void seed(RemoteSql remote) {
        List<String> statements = new ArrayList<>();
        statements.add("CREATE TABLE " + TABLE + " (id INTEGER PRIMARY KEY, v TEXT, pad BLOB)");
        for (int from = 1; from <= INITIAL_ROWS; from += 500) {
            statements.add(insertRange(from, Math.min(from + 499, INITIAL_ROWS), "seed"));
        }
        remote.transaction(statements.toArray(String[]::new));
    }

    private static String insertRange(long from, long to, String tag) {
        return "INSERT INTO " + TABLE + " SELECT value, '" + tag + "-' || value, randomblob(500 + (value * 7919) % 1500)"
                + " FROM generate_series(" + from + ", " + to + ")";
    }

    /** One remote transaction of one to three random inserts, scattered updates and deletes. */
    private void change(RemoteSql remote, Random random) {
        String tag = "g" + (++generation);
        List<String> statements = new ArrayList<>();
        for (int i = 0, n = 1 + random.nextInt(3); i < n; i++) {
            switch (random.nextInt(3)) {
                case 0 -> {
                    int rows = 20 + random.nextInt(300);
                    statements.add(insertRange(nextId, nextId + rows - 1, tag));
                    nextId += rows;
                }
                case 1 -> {
                    int modulus = 2 + random.nextInt(12);
                    statements.add("UPDATE " + TABLE + " SET v = '" + tag + "-u-' || id, pad = randomblob("
                            + (300 + random.nextInt(1800)) + ") WHERE id % " + modulus + " = "
                            + random.nextInt(modulus));
                }
                default -> {
                    long from = 1 + random.nextLong(nextId);
                    statements.add("DELETE FROM " + TABLE + " WHERE id BETWEEN " + from + " AND "
                            + (from + 10 + random.nextInt(250)));
                }
            }
        }
        remote.transaction(statements.toArray(String[]::new));
    }

    private static final String STATE_QUERY = "SELECT id, v, length(pad), hex(substr(pad, 1, 16)) FROM " + TABLE
            + " ORDER BY id";

    private static State remoteState(RemoteSql remote) {
        return state(remote.query(STATE_QUERY));
    }

    private static State localState(Connection connection) throws SQLException {
        List<List<Object>> rows = new ArrayList<>();
        try (ResultSet result = connection.createStatement().executeQuery(STATE_QUERY)) {
            while (result.next()) {
                rows.add(List.of(result.getObject(1), result.getObject(2), result.getObject(3),
                        result.getObject(4)));
            }
        }
        return state(rows);
    }

    private static State state(List<List<Object>> rows) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            List<Long> ids = new ArrayList<>();
            for (List<Object> row : rows) {
                ids.add(((Number) row.get(0)).longValue());
                StringBuilder line = new StringBuilder();
                for (Object value : row) {
                    line.append(value instanceof Number number ? Long.toString(number.longValue())
                            : String.valueOf(value)).append('|');
                }
                digest.update(line.append('\n').toString().getBytes(StandardCharsets.UTF_8));
            }
            return new State(rows.size(), HexFormat.of().formatHex(digest.digest()), ids);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- local files ----------------------------------------------------------------------------------------

    private static Connection readOnly(Path db) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout(10_000);
        return config.createConnection("jdbc:sqlite:" + db);
    }

    private static String integrityCheck(Connection connection) throws SQLException {
        StringBuilder result = new StringBuilder();
        try (ResultSet rows = connection.createStatement().executeQuery("PRAGMA integrity_check")) {
            while (rows.next()) {
                result.append(result.isEmpty() ? "" : "\n").append(rows.getString(1));
            }
        }
        return result.toString();
    }

    private static Path sibling(Path db, String suffix) {
        return db.resolveSibling(db.getFileName() + suffix);
    }

    private static String sizeOrMissing(Path file) throws IOException {
        return Files.exists(file) ? Long.toString(Files.size(file)) : "missing";
    }

    // ---- the child process ----------------------------------------------------------------------------------

    /** A running {@link CrashChild}, its output read by a thread with the arrival time of each line. */
    private static final class Child {

        private final Process process;
        private final long startedAt;
        private final List<String> lines = new ArrayList<>();
        private final Map<String, Long> firstSeen = new LinkedHashMap<>();
        private boolean ended;
        private volatile ScheduledFuture<?> kill;

        private Child(Process process, long startedAt) {
            this.process = process;
            this.startedAt = startedAt;
        }

        static Child start(String url, Path db, String mode, long loops) throws IOException {
            long startedAt = System.nanoTime();
            Process process = ChildJvm.start(CrashChild.class, url, db.toString(), mode, Long.toString(loops));
            Child child = new Child(process, startedAt);
            ChildJvm.readLines(process, "crash-child-output", child::onLine, child::onEnd);
            return child;
        }

        private synchronized void onLine(String line) {
            lines.add(line);
            firstSeen.putIfAbsent(line.split(" ", 2)[0], System.nanoTime());
            notifyAll();
        }

        private synchronized void onEnd() {
            ended = true;
            notifyAll();
        }

        /** Waits for the first line starting with the word; returns its arrival time (System.nanoTime()). */
        synchronized long awaitLine(String word, String label) throws InterruptedException {
            long deadline = System.nanoTime() + HANG.toNanos();
            while (!firstSeen.containsKey(word)) {
                long left = deadline - System.nanoTime();
                if (ended || left <= 0) {
                    fail(label + ": the child did not print " + word + "; output:\n" + output());
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return firstSeen.get(word);
        }

        synchronized boolean sawLine(String word) {
            return firstSeen.containsKey(word);
        }

        synchronized int count(String word) {
            return (int) lines.stream().filter(line -> line.startsWith(word + " ") || line.equals(word)).count();
        }

        synchronized String output() {
            int from = Math.max(0, lines.size() - 60);
            return String.join("\n", lines.subList(from, lines.size()));
        }

        void killAfter(ScheduledExecutorService killer, long millis) {
            kill = killer.schedule(() -> {
                process.destroyForcibly();
            }, millis, TimeUnit.MILLISECONDS);
        }

        /** Waits until the scheduled kill has been sent (its delay is finite: a calibration scaled by the seed). */
        void awaitKill() throws InterruptedException, ExecutionException {
            kill.get();
        }

        void stop() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
    }
}
