package dev.tursosync.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tursosync.SyncClient;
import dev.tursosync.SyncMetadataException;
import dev.tursosync.TursoSyncException;
import dev.tursosync.internal.io.KillPoints;
import dev.tursosync.internal.io.ReplicaFiles;
import dev.tursosync.internal.meta.MetadataStore;
import dev.tursosync.internal.rebase.JournalStore;
import dev.tursosync.internal.rebase.RevertStore;
import dev.tursosync.testing.LocalSyncServer;
import dev.tursosync.testing.TursoServerExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The kill-point suite (docs/testing.md): for every named {@link KillPoints kill point} of the pull, the rebase,
 * the checkpoint, the pull's fold-in and the bootstrap, and for each state of the replica that reaches it, a child
 * JVM ({@link KillPointChild}) runs the operation and halts exactly there. The trial asserts that it did (its
 * {@code KILLPOINT} line and the halt's exit status), then reopens the replica, which recovers, and checks:
 * {@code integrity_check} is ok; every committed local row is there exactly once and is pending (or on the remote);
 * the synced state is, byte for byte, the remote's revision the metadata records (a snapshot taken when the remote
 * was at that revision); a following push and pull converge with the remote, without duplicates there.
 *
 * <p>{@code -Dkillpoints.only=<regex>} runs only the trials whose name (point and state) matches.
 */
@ExtendWith(TursoServerExtension.class)
final class KillPointIntegrationTests {

    private static final Duration WAIT = Duration.ofSeconds(60);
    /** A remote change this large makes the pull over it fold the WAL in (past 8 MiB). */
    private static final int BIG_BLOB_BYTES = 9 << 20;

    private final LocalSyncServer server;
    private final Map<String, Path> snapshots = new HashMap<>();
    private final String trialId = "t" + UUID.randomUUID().toString().substring(0, 8);
    @TempDir
    Path dir;

    KillPointIntegrationTests(LocalSyncServer server) {
        this.server = server;
    }

    /** The replica's state when the child starts, which decides the path its operation takes. */
    enum Setup {
        /** No replica yet: the child's open() bootstraps. */
        BOOTSTRAP("open", 0),
        /** A revert store from a checkpoint, local writes pushed: the child pulls over nothing pending. */
        QUIET("pull", 0),
        /** As {@link #QUIET}, but the child writes first: its pull journals and replays. */
        PENDING("pull", 3),
        /**
         * Local writes pushed but still in the WAL (no checkpoint: only local frames hold them, and the change log no
         * longer does), then the child writes and pulls, journalling and replaying its rows only: an undo must keep
         * the pushed rows' frames, a finished pull must hold them from the remote's pages.
         */
        PUSHED_PENDING("pull", 3),
        /** Nothing pending and a remote change past 8 MiB: the pull folds the WAL in. */
        BIG("pull", 0),
        /** Pending changes and a remote change past 8 MiB: the rebasing pull folds the WAL in. */
        BIG_PENDING("pull", 3),
        /** A synced prefix in the WAL (a pull) and local writes after it: the child checkpoints. */
        CHECKPOINT("checkpoint", 3),
        /** No synced prefix (nothing pulled since the bootstrap) and local writes: the child checkpoints. */
        CHECKPOINT_NO_PREFIX("checkpoint", 3);

        final String action;
        final int childRows;

        Setup(String action, int childRows) {
            this.action = action;
            this.childRows = childRows;
        }
    }

    /**
     * One trial.
     *
     * @param point      where the child halts
     * @param setup      the replica's state before
     * @param thenAtOpen where a second child, opening the replica the first left, halts during recovery, or null
     */
    record Trial(String point, Setup setup, String thenAtOpen) {

        @Override
        public String toString() {
            return point + " / " + setup + (thenAtOpen == null ? "" : ", then " + thenAtOpen);
        }
    }

    static Stream<Trial> trials() {
        List<Trial> trials = new ArrayList<>();
        for (String point : List.of("bootstrap.streamed", "bootstrap.recorded", "bootstrap.installed")) {
            trials.add(new Trial(point, Setup.BOOTSTRAP, null));
        }
        for (String point : List.of("pull.generation-moved-on", "wal.frames-written", "pull.pages-appended",
                "pull.wal-forced", "pull.recorded", "pull.revert-store-deleted", "pull.kept-in-wal")) {
            trials.add(new Trial(point, Setup.QUIET, null));
        }
        for (String point : List.of("pull.journal-written", "wal.frames-written", "pull.pages-appended",
                "pull.replayed", "pull.window-ended", "pull.recorded", "pull.revert-store-deleted",
                "pull.kept-in-wal")) {
            trials.add(new Trial(point, Setup.PENDING, null));
        }
        trials.add(new Trial("pull.window-ended", Setup.PENDING, "recovery.recorded"));
        trials.add(new Trial("pull.replayed", Setup.PENDING, "recovery.recorded"));
        trials.add(new Trial("pull.pages-appended", Setup.PENDING, "pull.wal-cut-back"));
        for (String point : List.of("pull.journal-written", "pull.pages-appended", "pull.replayed",
                "pull.window-ended", "pull.recorded")) {
            trials.add(new Trial(point, Setup.PUSHED_PENDING, null));
        }
        trials.add(new Trial("pull.pages-appended", Setup.PUSHED_PENDING, "pull.wal-cut-back"));
        trials.add(new Trial("pull.replayed", Setup.PUSHED_PENDING, "recovery.recorded"));
        for (String point : List.of("checkpoint.store-deleted", "checkpoint.store-written", "checkpoint.truncated",
                "checkpoint.recorded")) {
            trials.add(new Trial(point, Setup.CHECKPOINT, null));
        }
        for (String point : List.of("checkpoint.store-written", "checkpoint.truncated")) {
            trials.add(new Trial(point, Setup.CHECKPOINT_NO_PREFIX, null));
        }
        for (String point : List.of("wal.chunk-written", "pull.wal-forced", "pull.recorded", "checkpoint.store-deleted",
                "checkpoint.store-written", "checkpoint.truncated", "pull.folded-in", "pull.kept-in-wal")) {
            trials.add(new Trial(point, Setup.BIG, null));
        }
        for (String point : List.of("wal.chunk-written", "pull.window-ended", "pull.recorded",
                "checkpoint.store-deleted", "checkpoint.store-written", "checkpoint.truncated", "pull.folded-in",
                "pull.kept-in-wal")) {
            trials.add(new Trial(point, Setup.BIG_PENDING, null));
        }
        String only = System.getProperty("killpoints.only");
        return trials.stream().filter(trial -> only == null || trial.toString().matches(only));
    }

    @BeforeEach
    void schema() {
        try (RemoteSql remote = new RemoteSql(server.url())) {
            remote.transaction("CREATE TABLE IF NOT EXISTS kp_local(tag TEXT NOT NULL, payload TEXT)",
                    "CREATE TABLE IF NOT EXISTS kp_remote(id INTEGER PRIMARY KEY, payload BLOB)");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("trials")
    void aChildHaltedAtThePointLeavesAReplicaThatRecoversAndConverges(Trial trial) throws Exception {
        Path db = dir.resolve("replica.db");
        List<String> tags = new ArrayList<>(prepare(db, trial.setup()));
        List<String> childTags = new ArrayList<>();
        for (int i = 1; i <= trial.setup().childRows; i++) {
            childTags.add(trialId + "-child-" + i);
        }
        List<String> lines = haltAt(trial.point(), db, trial.setup().action, childTags, trial.toString());
        tags.addAll(wrote(lines));
        assertThat(wrote(lines)).as("the child committed its rows before the point").isEqualTo(childTags);
        if (trial.setup().action.equals("pull")) {
            assertThat(new JournalStore(db).holdsJournal()).as("%s: a rebase journal is there exactly when the"
                    + " halted pull rebased pending changes", trial).isEqualTo(trial.setup().childRows > 0);
        }
        if (trial.thenAtOpen() != null) {
            assertThat(new JournalStore(db).holdsJournal()).as("a journal for the second child to recover").isTrue();
            haltAt(trial.thenAtOpen(), db, "open", List.of(), trial + " (second child)");
        }
        verify(db, tags, trial.toString());
    }

    /**
     * A pull over nothing pending whose pages committed but which the metadata does not record yet drops the change
     * log, whose ids then start again from 1; changes written after the reopen are pending, and a pull that rebases
     * them replays every one (none is taken for one of the setup's pushed changes, which had the same ids), then a push
     * brings them to the remote.
     */
    @Test
    void changesWrittenAfterAnUnrecordedPullOverNothingPendingAreReplayedByTheNextPull() throws Exception {
        Path db = dir.resolve("replica.db");
        List<String> tags = new ArrayList<>(prepare(db, Setup.QUIET));
        haltAt("pull.pages-appended", db, "pull", List.of(), "a pull over nothing pending halted");
        SyncClient client = KillPointChild.client(db, server.url());
        try {
            client.open().block(WAIT);
            List<String> written = writeAfterRecovery(client, "reopened");
            tags.addAll(written);
            client.pullChanges().blockLast(WAIT);
            Map<String, Long> local = tagCounts(LocalSql.query(client, tagQuery()));
            for (String tag : written) {
                assertThat(local.get(tag)).as("row %s written after the reopen, after the rebasing pull", tag)
                        .isEqualTo(1L);
            }
            assertThat(client.stats().block(WAIT).pendingChanges()).as("the rows written after the reopen stay"
                    + " pending").isEqualTo(written.size());
        } finally {
            client.close().block(WAIT);
        }
        verify(db, tags, "rows written after an unrecorded pull over nothing pending, then a pull");
    }

    /**
     * A pull over pending changes releases its window once the replay has committed and forced the WAL, and records
     * the pull after: a local write that commits in between (here at the point {@code pull.window-ended}, right
     * before the halt) follows a durable replay in the WAL while the metadata still records the revision before the
     * pull. The reopen must keep both the pull (recorded then from the journal) and that write, once and pending,
     * never cutting the WAL back under it; with a fold-in due too (the WAL past 8 MiB), the same.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("writingAfterTheWindow")
    void aLocalWriteCommittedAfterThePullsWindowSurvivesACrashBeforeTheRecord(Setup setup) throws Exception {
        Path db = dir.resolve("replica.db");
        List<String> tags = new ArrayList<>(prepare(db, setup));
        String before = new MetadataStore(db).read().orElseThrow().revision();
        List<String> childTags = List.of(trialId + "-child-1", trialId + "-child-2");
        String late = trialId + "-after-window";
        List<String> arguments = new ArrayList<>(childTags);
        arguments.add(late);
        List<String> lines = haltAt("pull.window-ended", db, "pull-writing-at-point", arguments,
                "a local write after the window of a pull over pending changes (" + setup + ")");
        assertThat(wrote(lines)).as("the child's rows, then the one written after the window")
                .containsExactlyElementsOf(arguments);
        assertThat(new JournalStore(db).holdsJournal()).as("the pull's journal is still there").isTrue();
        assertThat(new MetadataStore(db).read().orElseThrow().revision())
                .as("the metadata does not record the pull yet").isEqualTo(before);
        tags.addAll(arguments);
        verify(db, tags, "a local write after the window, then a crash before the record (" + setup + ")");
    }

    static Stream<Setup> writingAfterTheWindow() {
        return Stream.of(Setup.PENDING, Setup.PUSHED_PENDING, Setup.BIG_PENDING);
    }

    /** The check that a trial's child reached its point can fail: a point the operation never reaches fails it. */
    @Test
    void aPointTheOperationNeverReachesFailsTheTrial() {
        Path db = dir.resolve("replica.db");
        List<String> tags = prepare(db, Setup.QUIET);
        assertThat(tags).hasSize(3);
        assertThatThrownBy(() -> haltAt("pull.journal-written", db, "pull", List.of(), "no journal without pending"))
                .isInstanceOf(AssertionError.class).hasMessageContaining("the child halted at the point");
    }

    /**
     * A recovery that cannot read the rebase journal (here corrupt) fails {@code open()} with a typed error that
     * names the journal, and changes no file; once the journal is back, the next open recovers and the replica
     * converges.
     */
    @Test
    void aRecoveryThatCannotReadTheJournalFailsTheOpenAndLeavesEveryFile() throws Exception {
        Path db = dir.resolve("replica.db");
        List<String> tags = pendingPullHaltedAt("pull.replayed", db);
        Path journal = ReplicaFiles.rebaseJournal(db);
        byte[] written = Files.readAllBytes(journal);
        Files.writeString(journal, "{\"phase\":\"PREPARED\",\"revis");
        Map<String, String> before = ReplicaFileDigests.of(db);

        assertThatThrownBy(() -> openAndClose(db)).isInstanceOf(SyncMetadataException.class)
                .hasMessageContaining(journal.toString()).hasMessageContaining("corrupt");

        assertThat(ReplicaFileDigests.of(db)).as("the failed recovery changed no file").isEqualTo(before);
        Files.write(journal, written);
        verify(db, tags, "after the journal was put back");
    }

    /**
     * A recovery that hits an I/O error (the next revert store it deletes cannot be deleted: a folder with a file
     * in it stands there) fails {@code open()} with a typed error naming the revert store, and changes no file;
     * once the folder is gone, the next open recovers and the replica converges.
     */
    @Test
    void aRecoveryThatHitsAnIoErrorFailsTheOpenAndLeavesEveryFile() throws Exception {
        Path db = dir.resolve("replica.db");
        List<String> tags = pendingPullHaltedAt("pull.recorded", db);
        Path blocker = Files.createDirectories(ReplicaFiles.nextRevertStore(db)).resolve("blocker");
        Files.writeString(blocker, "in the way");
        Map<String, String> before = ReplicaFileDigests.of(db);

        assertThatThrownBy(() -> openAndClose(db)).isInstanceOf(TursoSyncException.class)
                .hasMessageContaining("I/O error").hasMessageContaining("revert store");

        assertThat(ReplicaFileDigests.of(db)).as("the failed recovery changed no file").isEqualTo(before);
        assertThat(new JournalStore(db).holdsJournal()).isTrue();
        Files.delete(blocker);
        Files.delete(ReplicaFiles.nextRevertStore(db));
        verify(db, tags, "after the I/O error was gone");
    }

    /**
     * A replica with pending changes whose pull a child halted at the point.
     *
     * @return the tags of the committed local rows
     */
    private List<String> pendingPullHaltedAt(String point, Path db) throws Exception {
        List<String> tags = new ArrayList<>(prepare(db, Setup.PENDING));
        List<String> childTags = List.of(trialId + "-child-1");
        haltAt(point, db, "pull", childTags, "a pull halted at " + point);
        tags.addAll(childTags);
        return tags;
    }

    private void openAndClose(Path db) {
        SyncClient client = KillPointChild.client(db, server.url());
        try {
            client.open().block(WAIT);
        } finally {
            client.close().block(WAIT);
        }
    }

    /**
     * Brings the replica to the setup's state in this JVM and changes the remote for the child's pull.
     *
     * @return the tags of the rows written locally
     */
    private List<String> prepare(Path db, Setup setup) {
        if (setup == Setup.BOOTSTRAP) {
            snapshot();
            return List.of();
        }
        List<String> tags = new ArrayList<>();
        SyncClient client = KillPointChild.client(db, server.url());
        try {
            client.open().block(WAIT);
            snapshot();
            if (setup == Setup.CHECKPOINT) {
                changeRemote(false);
                client.pullChanges().blockLast(WAIT);
                snapshot();
            }
            for (int i = 1; i <= 3; i++) {
                String tag = trialId + "-setup-" + i;
                LocalSql.execute(client, "INSERT INTO kp_local(tag, payload) VALUES (?, ?)", (Object) tag, "setup");
                tags.add(tag);
            }
            if (setup != Setup.CHECKPOINT && setup != Setup.CHECKPOINT_NO_PREFIX && setup != Setup.PUSHED_PENDING) {
                client.checkpoint().block(WAIT);
                assertThat(RevertStore.fileOf(db)).as("the checkpoint kept the synced pages").exists();
            }
            if (setup == Setup.QUIET || setup == Setup.BIG || setup == Setup.PUSHED_PENDING) {
                client.push().block(WAIT);
                assertThat(client.stats().block(WAIT).pendingChanges()).isZero();
            }
        } finally {
            client.close().block(WAIT);
        }
        if (setup.action.equals("pull")) {
            changeRemote(setup == Setup.BIG || setup == Setup.BIG_PENDING);
            snapshot();
        }
        return tags;
    }

    /** Runs a child that must halt at the point; returns its output. */
    private List<String> haltAt(String point, Path db, String action, List<String> tags, String context)
            throws Exception {
        List<String> arguments = new ArrayList<>(List.of(server.url(), db.toString(), action));
        arguments.addAll(tags);
        Process process = ChildJvm.start(List.of("-D" + KillPoints.PROPERTY + "=" + point,
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"), KillPointChild.class,
                arguments.toArray(String[]::new));
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        Object ended = new Object();
        boolean[] done = new boolean[1];
        ChildJvm.readLines(process, "killpoint-child", lines::add, () -> {
            synchronized (ended) {
                done[0] = true;
                ended.notifyAll();
            }
        });
        try {
            if (!process.waitFor(CrashSafetyIntegrationTests.HANG.toSeconds(), TimeUnit.SECONDS)) {
                throw new AssertionError(context + ": the child hung; output:\n" + String.join("\n", lines));
            }
            synchronized (ended) {
                while (!done[0]) {
                    ended.wait();
                }
            }
        } finally {
            process.destroyForcibly();
        }
        String output = String.join("\n", lines);
        assertThat(process.exitValue()).as("%s: the child halted at the point (exit %d); output:%n%s", context,
                KillPoints.EXIT_STATUS, output).isEqualTo(KillPoints.EXIT_STATUS);
        assertThat(lines).as("%s: output", context).contains("KILLPOINT " + point);
        return lines;
    }

    private static List<String> wrote(List<String> lines) {
        synchronized (lines) {
            return lines.stream().filter(line -> line.startsWith("WROTE ")).map(line -> line.substring(6)).toList();
        }
    }

    /** The checks after the halt: recovery, soundness, the rows, the synced state, then convergence. */
    private void verify(Path db, List<String> tags, String context) throws Exception {
        SyncClient client = KillPointChild.client(db, server.url());
        try {
            client.open().block(WAIT);
            assertThat(LocalSql.query(client, "PRAGMA integrity_check")).as("%s: integrity_check", context)
                    .containsExactly(List.of("ok"));
            Map<String, Long> local = tagCounts(LocalSql.query(client, tagQuery()));
            Map<String, Long> remote = remoteTags();
            for (String tag : tags) {
                assertThat(local.get(tag)).as("%s: local copies of committed row %s", context, tag).isEqualTo(1L);
                if (!remote.containsKey(tag)) {
                    assertThat(longs(LocalSql.query(client, "SELECT count(*) FROM tursosync_changes WHERE tbl ="
                            + " 'kp_local' AND json_extract(new, '$.tag') = '" + tag + "'")))
                            .as("%s: row %s is not on the remote, so it is pending", context, tag)
                            .containsExactly(1L);
                }
            }
            assertThat(local.keySet()).as("%s: no other row of the trial", context)
                    .containsExactlyInAnyOrderElementsOf(tags);
        } finally {
            client.close().block(WAIT);
        }
        String revision = new MetadataStore(db).read().orElseThrow().revision();
        Path expected = snapshots.get(revision);
        assertThat(expected).as("%s: a snapshot of revision %s the metadata records (have %s)", context, revision,
                snapshots.keySet()).isNotNull();
        SyncedStateAssert.assertSyncedStateIs(db, expected);

        client = KillPointChild.client(db, server.url());
        List<String> all = new ArrayList<>(tags);
        try {
            client.open().block(WAIT);
            all.addAll(writeAfterRecovery(client, "after"));
            client.push().block(WAIT);
            client.pullChanges().blockLast(WAIT);
            assertThat(client.stats().block(WAIT).pendingChanges()).as("%s: nothing pending after sync", context)
                    .isZero();
            Map<String, Long> local = tagCounts(LocalSql.query(client, tagQuery()));
            Map<String, Long> remote = remoteTags();
            assertThat(remote.keySet()).as("%s: every committed row, also those written after the recovery, reached"
                    + " the remote", context).containsExactlyInAnyOrderElementsOf(all);
            assertThat(remote.values()).as("%s: no duplicate on the remote", context).allMatch(count -> count == 1);
            assertThat(local).as("%s: the replica equals the remote", context).isEqualTo(remote);
            String remoteRows = "SELECT count(*), ifnull(sum(length(payload)), 0) FROM kp_remote";
            assertThat(longs(LocalSql.query(client, remoteRows))).as("%s: the remote's own rows", context)
                    .isEqualTo(longs(remoteQuery(remoteRows)));
        } finally {
            client.close().block(WAIT);
        }
        SyncedStateAssert.assertSyncedStateIsTheRemote(db, server.url(), dir);
    }

    /**
     * Rows written after the recovery, before the first push: more changes than the setup pushed, so that a change
     * log whose ids started again in the generation of the setup's push would have some of them taken for pushed.
     *
     * @param label part of their tags
     * @return their tags
     */
    private List<String> writeAfterRecovery(SyncClient client, String label) {
        List<String> written = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            String tag = trialId + "-" + label + "-" + i;
            LocalSql.execute(client, "INSERT INTO kp_local(tag, payload) VALUES (?, ?)", (Object) tag, "after");
            written.add(tag);
        }
        return written;
    }

    private String tagQuery() {
        return "SELECT tag, count(*) FROM kp_local WHERE tag LIKE '" + trialId + "-%' GROUP BY tag";
    }

    private Map<String, Long> remoteTags() {
        return tagCounts(remoteQuery(tagQuery()));
    }

    private List<List<Object>> remoteQuery(String sql) {
        try (RemoteSql remote = new RemoteSql(server.url())) {
            return remote.query(sql);
        }
    }

    private static Map<String, Long> tagCounts(List<List<Object>> rows) {
        Map<String, Long> counts = new HashMap<>();
        for (List<Object> row : rows) {
            counts.put((String) row.get(0), ((Number) row.get(1)).longValue());
        }
        return counts;
    }

    private static List<Long> longs(List<List<Object>> rows) {
        return rows.stream().flatMap(List::stream).map(value -> ((Number) value).longValue()).toList();
    }

    /** A remote change: a few small rows, or one row past the fold-in size. */
    private void changeRemote(boolean big) {
        try (RemoteSql remote = new RemoteSql(server.url())) {
            if (big) {
                remote.execute("INSERT OR REPLACE INTO kp_remote(id, payload) VALUES (1, randomblob("
                        + BIG_BLOB_BYTES + "))");
            } else {
                remote.transaction("INSERT INTO kp_remote(id, payload) VALUES ((SELECT max(2, ifnull(max(id), 0)"
                        + " + 1) FROM kp_remote), randomblob(300))", "UPDATE kp_remote SET payload = randomblob(200)"
                        + " WHERE id = (SELECT min(id) FROM kp_remote WHERE id > 1)");
            }
        }
    }

    /** A fresh bootstrap of the remote's current revision, kept by revision. */
    private void snapshot() {
        Path file = dir.resolve("snapshot-" + snapshots.size() + ".db");
        String revision = SyncedStateAssert.snapshot(server.url(), file);
        snapshots.putIfAbsent(Objects.requireNonNull(revision), file);
    }
}
