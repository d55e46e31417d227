package dev.tursosync.internal.pull;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tursosync.ChangeEvent;
import dev.tursosync.ChangeOperation;
import dev.tursosync.MutationResult;
import dev.tursosync.SyncProtocolException;
import dev.tursosync.internal.capture.CarriedPositions;
import dev.tursosync.internal.capture.ChangeCapture;
import dev.tursosync.internal.capture.ChangeLog;
import dev.tursosync.internal.capture.LogRow;
import dev.tursosync.internal.capture.PendingLog;
import dev.tursosync.internal.db.ConnectionManager;
import dev.tursosync.internal.db.ReplicaConnections;
import dev.tursosync.internal.db.WindowConnections;
import dev.tursosync.internal.events.ChangeEventDecoder;
import dev.tursosync.internal.io.ReplicaFiles;
import dev.tursosync.internal.rebase.DatabaseFiles;
import dev.tursosync.internal.rebase.JournalStore;
import dev.tursosync.internal.rebase.RebaseJournal;
import dev.tursosync.internal.sqlite.PageNumberSet;
import dev.tursosync.internal.meta.SyncMetadata;
import dev.tursosync.internal.rebase.LocalReplay;
import dev.tursosync.internal.rebase.OpenDatabase;
import dev.tursosync.internal.rebase.RevertStore;
import dev.tursosync.internal.rebase.SyncCheckpoint;
import dev.tursosync.internal.rebase.SyncedPages;
import dev.tursosync.internal.rebase.SyncedPrefix;
import dev.tursosync.internal.wal.WalFrames;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * {@link PullApplier} on real files, without a server: the "remote" is a copy of the database changed through SQLite,
 * and the stage holds the pages that differ. The events are decoded on another thread while the apply writes.
 */
class PullApplierTests {

    private static final int PAGE_SIZE = 4096;
    private static final int ROWS = 2_000;

    @TempDir
    Path folder;

    private final Scheduler files = Schedulers.newSingle("files");
    private final Scheduler decoding = Schedulers.newSingle("decoding");
    private Path database;
    private Path remote;

    @BeforeEach
    void databases() throws Exception {
        database = folder.resolve("local.db");
        try (Connection connection = open(database)) {
            exec(connection, "PRAGMA journal_mode = WAL",
                    "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT NOT NULL)",
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " + ROWS + ") "
                            + "INSERT INTO t SELECT i, printf('old-%096d', i) FROM n");
        }
        remote = folder.resolve("remote.db");
        Files.copy(database, remote);
        try (Connection connection = open(remote)) {
            exec(connection, "UPDATE t SET v = printf('new-%096d', id) WHERE id % 100 = 0");
        }
    }

    @AfterEach
    void stop() {
        files.dispose();
        decoding.dispose();
    }

    @Test
    void appliesThePagesAndDecodesTheirEventsOnAnotherThread() throws Exception {
        PullApplier applier = applier(0);

        AppliedPull applied = pull(applier, remote, database, "r1", 0, null);
        assertThat(applied.revision()).isEqualTo("r1");
        assertThat(applied.nextGeneration()).isEqualTo(1);
        assertThat(applier.hasJournal()).as("nothing pending: no journal").isFalse();
        applier.finish(applied);
        List<ChangeEvent> events = applied.events();

        assertThat(events).hasSize(ROWS / 100).allSatisfy(event -> {
            assertThat(event.operation()).isEqualTo(ChangeOperation.UPDATE);
            assertThat((String) event.newValues().get("v")).startsWith("new-");
            assertThat((String) event.oldValues().get("v")).startsWith("old-");
        });
        assertThat(events).extracting(ChangeEvent::rowid).containsExactlyElementsOf(
                LongStream.rangeClosed(1, ROWS / 100).map(i -> i * 100).boxed().toList());
        assertThat(Files.readAllBytes(database)).as("folded in (fold-in size 0)")
                .isEqualTo(Files.readAllBytes(remote));
        assertThat(SyncedPrefix.holds(applied.syncedWal(), DatabaseFiles.walOf(database)))
                .as("the emptied WAL no longer holds the recorded prefix").isFalse();
        try (Connection connection = open(database)) {
            assertThat(text(connection, "PRAGMA integrity_check")).isEqualTo("ok");
            assertThat(text(connection, "SELECT count(*) FROM t WHERE v LIKE 'new-%'")).isEqualTo("20");
        }
    }

    /**
     * Nothing pending: the pages are written once, into the WAL, and stay there as the synced prefix; no journal,
     * no checkpoint, and the file is untouched. The revert store of the old synced state goes.
     */
    @Test
    void aPullOverNoPendingChangeKeepsItsPagesInTheWal() throws Exception {
        byte[] fileBefore = Files.readAllBytes(database);
        Files.write(RevertStore.fileOf(database), new byte[] {1, 2, 3});
        PullApplier applier = applier();

        AppliedPull applied = pull(applier, remote, database, "r1", 0, null);
        assertThat(applier.hasJournal()).isFalse();
        assertThat(applied.syncedWal()).isNotNull();
        assertThat(applied.foldIn()).isFalse();
        assertThat(applied.events()).hasSize(ROWS / 100);
        applier.finish(applied);

        assertThat(Files.readAllBytes(database)).as("the file is not written").isEqualTo(fileBefore);
        assertThat(RevertStore.fileOf(database)).doesNotExist();
        WalFrames frames = WalFrames.read(DatabaseFiles.walOf(database));
        assertThat(SyncedPrefix.framesIn(applied.syncedWal(), frames)).isEqualTo(frames.count()).isPositive();
        assertSyncedStateIs(remote, applied.syncedWal());
        try (Connection connection = open(database)) {
            assertThat(text(connection, "PRAGMA integrity_check")).isEqualTo("ok");
            assertThat(text(connection, "SELECT count(*) FROM t WHERE v LIKE 'new-%'")).isEqualTo("20");
        }
    }

    /**
     * Two pulls kept in the WAL with a local write between them: the second pull's synced state is the first's
     * prefix over the file, the local write (frames after the prefix, nothing pending) is written back to its
     * synced version, and the new prefix covers the whole WAL.
     */
    @Test
    void aSecondPullBuildsOnTheFirstsPrefixAndRevertsLocalFrames() throws Exception {
        Path second = changedCopy(remote, "UPDATE t SET v = printf('two-%096d', id) WHERE id % 100 = 50");
        PullApplier applier = applier();
        AppliedPull first = pull(applier, remote, database, "r1", 0, null);
        applier.finish(first);
        writeLocally("UPDATE t SET v = 'local' WHERE id = 7");

        AppliedPull applied = pull(applier, second, remote, "r2", 1, first.syncedWal());
        applier.finish(applied);

        assertThat(applied.events()).hasSize(ROWS / 100).allSatisfy(event ->
                assertThat((String) event.newValues().get("v")).startsWith("two-"));
        assertSyncedStateIs(second, applied.syncedWal());
        try (Connection connection = open(database)) {
            assertThat(text(connection, "SELECT v FROM t WHERE id = 7")).startsWith("old-");
            assertThat(text(connection, "SELECT count(*) FROM t WHERE v LIKE 'two-%'")).isEqualTo("20");
            assertThat(text(connection, "SELECT count(*) FROM t WHERE v LIKE 'new-%'")).isEqualTo("20");
        }
    }

    /**
     * A crash after a pull over no pending change committed its WAL transaction, before the metadata recorded
     * it: the recorded prefix (none here) does not cover it, so it is a local transaction; the next pull, fetched
     * from the old revision, writes back the synced version of each page it wrote, and ends at the remote's state.
     */
    @Test
    void anUnrecordedPullIsALocalTransactionForTheNextPull() throws Exception {
        Path second = changedCopy(database, "UPDATE t SET v = printf('two-%096d', id) WHERE id % 100 = 50");
        PullApplier applier = applier();
        pull(applier, remote, database, "r1", 0, null);

        PullApplier afterRestart = applier();
        assertThat(afterRestart.recover(0, null)).as("no journal: nothing to recover").isEmpty();
        AppliedPull applied = pull(afterRestart, second, database, "r2", 0, null);
        afterRestart.finish(applied);

        assertThat(applied.events()).as("events from the recorded revision").hasSize(ROWS / 100);
        assertSyncedStateIs(second, applied.syncedWal());
        try (Connection connection = open(database)) {
            assertThat(text(connection, "SELECT count(*) FROM t WHERE v LIKE 'new-%'")).isEqualTo("0");
            assertThat(text(connection, "SELECT count(*) FROM t WHERE v LIKE 'two-%'")).isEqualTo("20");
        }
    }

    /**
     * A checkpoint with a synced prefix: the new revert store holds the synced version of the pages written after
     * the prefix, the WAL is folded and emptied (so the recorded prefix no longer holds), and the file plus the
     * store is still the synced state while the local write stays. At each step a crash leaves a recoverable state:
     * before the store is replaced or before the WAL is emptied the prefix holds; after, the store does.
     */
    @Test
    void aCheckpointFoldsThePrefixAndKeepsTheSyncedStateInTheRevertStore() throws Exception {
        PullApplier applier = applier();
        AppliedPull pulled = pull(applier, remote, database, "r1", 0, null);
        applier.finish(pulled);
        writeLocally("UPDATE t SET v = 'local' WHERE id IN (1, 100, 1999)");

        int saved = new SyncCheckpoint(database, PAGE_SIZE).run(pulled.syncedWal());

        assertThat(saved).isPositive();
        assertThat(SyncedPrefix.holds(pulled.syncedWal(), DatabaseFiles.walOf(database))).isFalse();
        assertSyncedStateIs(remote, null);
        try (Connection connection = open(database)) {
            assertThat(text(connection, "SELECT count(*) FROM t WHERE v = 'local'")).isEqualTo("3");
            assertThat(text(connection, "SELECT count(*) FROM t WHERE v LIKE 'new-%'")).isEqualTo("19");
        }
    }

    /**
     * Changes pending: a journal, the remote transaction kept as the synced prefix, the replay after it as local
     * frames, and no checkpoint: the file is untouched, the synced state is the remote, the replayed row is there
     * and captured again.
     */
    @Test
    void aPullOverPendingChangesKeepsTheRemoteTransactionAsThePrefixAndTheReplayAfterIt() throws Exception {
        byte[] fileBefore = Files.readAllBytes(database);
        insertPending(5000);
        PullApplier applier = applier();

        AppliedPull applied = pull(applier, remote, database, "r1", 0, null);
        assertThat(applier.hasJournal()).as("the journal stays until finish").isTrue();
        assertThat(applied.syncedWal()).isNotNull();
        applier.finish(applied);

        assertThat(applier.hasJournal()).isFalse();
        assertThat(Files.readAllBytes(database)).as("the file is not written").isEqualTo(fileBefore);
        WalFrames frames = WalFrames.read(DatabaseFiles.walOf(database));
        assertThat(SyncedPrefix.framesIn(applied.syncedWal(), frames)).as("the replay follows the prefix")
                .isPositive().isLessThan(frames.count());
        assertSyncedStateIs(remote, applied.syncedWal());
        assertReplayed(5000);
    }

    /**
     * The pending changes read on the client's sentinel in the exclusive window, before the connections close
     * ({@code ConnectionManager.exclusive(read, work)}), are what the apply journals and replays: the same outcome as
     * the apply reading them itself, without opening a connection of its own.
     */
    @Test
    void pendingChangesReadOnTheSentinelBeforeTheWindowClosesAreJournaledAndReplayed() throws Exception {
        ConnectionManager manager = capturingManager();
        PullApplier applier = applier();
        AppliedPull applied;
        try {
            writePending(manager, 5000);
            Path stage = stage(remote, database, false);
            long size = pages(remote);
            applied = manager.exclusive(PendingLog::read, (pending, window) -> {
                assertThat(pending).as("read on the open sentinel").isPresent();
                assertThat(pending.get().rows()).extracting(LogRow::table).containsExactly("t");
                StagedPages staged = StagedPages.open(stage);
                return applier.apply(staged, "r1", size, "client", 0, null, pending, window)
                        .doFinally(ended -> staged.close());
            }).block();
        } finally {
            manager.close().block();
        }
        assertThat(applied.journal()).as("journaled").isPresent();
        assertThat(applied.journal().get().changes()).as("no copy of the rows read: they are replayed from memory")
                .isEmpty();
        applier.finish(applied);

        assertThat(applier.hasJournal()).isFalse();
        assertSyncedStateIs(remote, applied.syncedWal());
        assertReplayed(5000);
    }

    /**
     * The finish removes the journal without forcing the folder, so a crash may bring it back, with the metadata
     * recording its pull and local writes made since: recovery finishes the pull again and changes nothing else.
     */
    @Test
    void aJournalThatComesBackAfterItsPullWasRecordedAndFinishedIsFinishedAgain() throws Exception {
        AppliedPull applied = finishedPullWhoseJournalComesBack(pulled -> { });

        assertRecoveryOnlyDeletesTheJournal(8, applied.syncedWal());
        assertSyncedStateIs(remote, applied.syncedWal());
        try (Connection connection = open(database)) {
            assertThat(text(connection, "PRAGMA integrity_check")).isEqualTo("ok");
            assertThat(text(connection, "SELECT group_concat(id) FROM t WHERE v = 'local'")).isEqualTo("5000,5001");
            assertThat(text(connection, "SELECT count(*) FROM tursosync_changes")).isEqualTo("2");
        }
    }

    /**
     * The metadata is written in place and forces no folder, so a journal whose removal a crash undid can come back
     * after later pulls: the metadata's generation is then more than one past the journal's, and recovery only
     * deletes it. Handed back as committed, the pull would be recorded again, its revision and generation older than
     * the recorded ones.
     */
    @Test
    void aJournalThatComesBackAfterLaterPullsIsOnlyDeleted() throws Exception {
        AppliedPull applied = finishedPullWhoseJournalComesBack(pulled -> { });

        assertRecoveryOnlyDeletesTheJournal(10, applied.syncedWal());
        assertSyncedStateIs(remote, applied.syncedWal());
    }

    /**
     * A journal that comes back after a checkpoint folded its pull's prefix into the file (the metadata records its
     * pull, without a prefix): recovery only deletes it. Finishing it as an older release's journal would fold the
     * local writes made since the checkpoint into the file without keeping their synced versions.
     */
    @Test
    void aJournalThatComesBackAfterACheckpointFoldedItsPullIsOnlyDeleted() throws Exception {
        finishedPullWhoseJournalComesBack(pulled -> new SyncCheckpoint(database, PAGE_SIZE).run(pulled.syncedWal()));

        assertRecoveryOnlyDeletesTheJournal(8, null);
        assertSyncedStateIs(remote, null);
    }

    /**
     * A pull over a pending change (generation 7 to 8), recorded and finished; then {@code meanwhile} (before the
     * local write), a local write (a pending change), and the journal back as a crash could bring it.
     */
    private AppliedPull finishedPullWhoseJournalComesBack(Consumer<AppliedPull> meanwhile) throws Exception {
        insertPending(5000);
        PullApplier applier = applier();
        AppliedPull applied = pull(applier, remote, database, "r1", 7, null);
        Path journal = ReplicaFiles.rebaseJournal(database);
        byte[] journalBytes = Files.readAllBytes(journal);
        applier.finish(applied);
        assertThat(applier.hasJournal()).isFalse();
        meanwhile.accept(applied);
        insertPending(5001);
        Files.write(journal, journalBytes);
        return applied;
    }

    /** Recovery with the given record deletes the journal and leaves the WAL (the later local write) as it is. */
    private void assertRecoveryOnlyDeletesTheJournal(long recordedGeneration, SyncMetadata.WalPrefix recordedWal)
            throws Exception {
        byte[] walBefore = Files.readAllBytes(DatabaseFiles.walOf(database));
        PullApplier afterRestart = applier();
        assertThat(afterRestart.recover(recordedGeneration, recordedWal)).as("recorded: nothing to hand back")
                .isEmpty();
        assertThat(afterRestart.hasJournal()).isFalse();
        assertThat(Files.readAllBytes(DatabaseFiles.walOf(database))).as("the later local write kept, not cut back"
                + " or folded in").isEqualTo(walBefore);
    }

    /**
     * A crash after the remote transaction reached the WAL, before the replay committed: the journal holds no copy of
     * the pending changes, only where the WAL ended, and cutting the WAL back there brings them back in the change
     * log, with the local state as it was before the pull.
     */
    @Test
    void aPullWhoseReplayDidNotCommitIsUndoneWithoutACopyOfTheChanges() throws Exception {
        insertPending(5000);
        byte[] walBefore = Files.readAllBytes(DatabaseFiles.walOf(database));
        AppliedPull applied = pull(applier(), remote, database, "r1", 7, null);
        assertThat(new JournalStore(database).read().orElseThrow().changes()).as("no copy of the changes").isEmpty();
        try (FileChannel wal = FileChannel.open(DatabaseFiles.walOf(database), StandardOpenOption.WRITE)) {
            wal.truncate(32L + (long) applied.syncedWal().frames() * (24 + PAGE_SIZE));
        }

        PullApplier afterRestart = applier();
        assertThat(afterRestart.recover(7, null)).as("the replay did not commit: undone").isEmpty();

        assertThat(afterRestart.hasJournal()).isFalse();
        assertThat(Files.readAllBytes(DatabaseFiles.walOf(database))).as("the WAL as before the pull")
                .isEqualTo(walBefore);
        try (Connection connection = open(database)) {
            assertThat(text(connection, "PRAGMA integrity_check")).isEqualTo("ok");
            assertThat(text(connection, "SELECT v FROM t WHERE id = 5000")).isEqualTo("local");
            assertThat(text(connection, "SELECT count(*) FROM t WHERE v LIKE 'new-%'")).isEqualTo("0");
            assertThat(text(connection, "SELECT count(*) FROM tursosync_changes")).as("pending again").isEqualTo("1");
        }
    }

    /** A crash after the replay committed, before the metadata: recovery hands the pull back with its prefix. */
    @Test
    void aReplayedPullTheMetadataLacksIsHandedBackWithItsPrefixByRecovery() throws Exception {
        insertPending(5000);
        pull(applier(), remote, database, "r1", 7, null);

        PullApplier afterRestart = applier();
        Optional<AppliedPull> recovered = afterRestart.recover(7, null);
        assertThat(recovered).hasValueSatisfying(pull -> {
            assertThat(pull.revision()).isEqualTo("r1");
            assertThat(pull.nextGeneration()).isEqualTo(8);
            assertThat(pull.syncedWal()).isNotNull();
        });
        afterRestart.finish(recovered.orElseThrow());

        assertThat(afterRestart.hasJournal()).isFalse();
        assertSyncedStateIs(remote, recovered.orElseThrow().syncedWal());
        assertReplayed(5000);
    }

    /**
     * A crash after the metadata recorded the pull, before finish: recovery only deletes the journal and the stale
     * revert store. Past the fold-in size, finish folds the WAL in by a checkpoint that keeps the replayed pages'
     * synced versions in the store.
     */
    @Test
    void aRecordedPullIsFinishedByRecoveryAndAFoldInKeepsTheSyncedState() throws Exception {
        insertPending(5000);
        AppliedPull applied = pull(applier(0), remote, database, "r1", 7, null);
        assertThat(applied.foldIn()).isTrue();
        Files.write(RevertStore.fileOf(database), new byte[] {1, 2, 3});

        PullApplier afterRestart = applier(0);
        assertThat(afterRestart.recover(8, applied.syncedWal())).as("nothing left to record").isEmpty();
        assertThat(afterRestart.hasJournal()).isFalse();
        assertThat(RevertStore.fileOf(database)).doesNotExist();
        assertSyncedStateIs(remote, applied.syncedWal());

        afterRestart.finish(applied);
        assertThat(SyncedPrefix.holds(applied.syncedWal(), DatabaseFiles.walOf(database))).as("folded").isFalse();
        assertSyncedStateIs(remote, null);
        assertReplayed(5000);
    }

    /**
     * A fold-in on the database as the client keeps it open ({@link ConnectionManager#exclusiveOnOpen}, as a pull over
     * pending changes runs it after its window): SQLite's checkpoint runs on the pool's idle connection only once the
     * new revert store is written, the WAL is emptied, the file plus the store is the synced state, and the local
     * writes (the replayed one and one made after the pull) stay, through the connections that stayed open and after
     * a reopen.
     */
    @Test
    void aFoldInOnTheOpenDatabaseCheckpointsOnlyOnceTheStoreIsWrittenAndKeepsTheLocalWrites() throws Exception {
        insertPending(5000);
        PullApplier applier = applier(0);
        AppliedPull applied = pull(applier, remote, database, "r1", 7, null);
        assertThat(applied.foldIn()).isTrue();
        ConnectionManager manager = capturingManager();
        AtomicInteger storedAtCheckpoint = new AtomicInteger(-1);
        try {
            writePending(manager, 5001);
            manager.exclusiveOnOpen((connection, databaseFile) -> {
                applier.finish(applied, new OpenDatabase(watchingCheckpoint(connection, storedAtCheckpoint),
                        databaseFile));
                return true;
            }).block();
            assertThat(Files.size(DatabaseFiles.walOf(database))).as("the WAL emptied").isZero();
            assertThat(manager.withConnection(connection -> text(connection,
                    "SELECT count(*) FROM t WHERE v = 'local'")).block()).as("through the open pool").isEqualTo("2");
        } finally {
            manager.close().block();
        }
        assertThat(storedAtCheckpoint.get()).as("pages in the new revert store when SQLite's checkpoint ran")
                .isPositive()
                .isEqualTo(RevertStore.open(RevertStore.fileOf(database), PAGE_SIZE).pageCount());
        assertThat(applier.hasJournal()).isFalse();
        assertSyncedStateIs(remote, null);
        try (Connection connection = open(database)) {
            assertThat(text(connection, "PRAGMA integrity_check")).isEqualTo("ok");
            assertThat(text(connection, "SELECT count(*) FROM t WHERE id IN (5000, 5001) AND v = 'local'"))
                    .isEqualTo("2");
            assertThat(text(connection, "SELECT count(*) FROM t WHERE v LIKE 'new-%'")).isEqualTo("20");
            assertThat(text(connection, "SELECT count(*) FROM tursosync_changes")).isEqualTo("2");
        }
    }

    /**
     * A connection that, when a statement is made on it (the checkpoint's), notes how many pages the revert store
     * holds at that moment.
     */
    private Connection watchingCheckpoint(Connection connection, AtomicInteger stored) {
        Path store = RevertStore.fileOf(database);
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("createStatement")) {
                        stored.set(Files.exists(store) ? RevertStore.open(store, PAGE_SIZE).pageCount() : 0);
                    }
                    try {
                        return method.invoke(connection, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /**
     * A journal an older release left (issue 20): the releases before the synced prefix journaled every pull in the
     * same format, wrote the next revert store (the synced version of each replayed page) once the replay
     * committed, then recorded the pull in the metadata, without a prefix, and only then installed the store and
     * folded the WAL in. A crash after the metadata left the journal, the next store and both transactions in the
     * WAL: recovery finishes the pull as that release did, the next store installed and the WAL folded in.
     */
    @Test
    void anOlderReleasesJournalWhosePullTheMetadataRecordsWithoutAPrefixIsFinishedAsThatReleaseDid()
            throws Exception {
        RebaseJournal journal = olderReleasesInterruptedPull(RebaseJournal.Phase.PREPARED);

        PullApplier afterRestart = applier();
        assertThat(afterRestart.recover(journal.fromGeneration() + 1, null)).as("recorded: finished here")
                .isEmpty();

        assertFinishedAsTheOlderReleaseDid();
    }

    /**
     * The oldest journal (the first rebase release): it marked the journal {@code REPLAYED} once the next revert
     * store was on disk and recorded the metadata after the checkpoint. A crash before the metadata leaves a
     * replayed journal the metadata does not record: recovery hands the pull back without a prefix, the caller
     * records it, and finishing it installs the store and folds the WAL in.
     */
    @Test
    void theOldestReleasesReplayedJournalIsRecordedWithoutAPrefixAndFinished() throws Exception {
        RebaseJournal journal = olderReleasesInterruptedPull(RebaseJournal.Phase.REPLAYED);

        PullApplier afterRestart = applier();
        Optional<AppliedPull> recovered = afterRestart.recover(journal.fromGeneration(), null);
        assertThat(recovered).hasValueSatisfying(pull -> {
            assertThat(pull.revision()).isEqualTo("r1");
            assertThat(pull.nextGeneration()).isEqualTo(journal.fromGeneration() + 1);
            assertThat(pull.syncedWal()).as("recorded without a prefix, as that release did").isNull();
        });
        afterRestart.finish(recovered.orElseThrow());

        assertFinishedAsTheOlderReleaseDid();
    }

    /**
     * The files an older release left when a crash interrupted the finish of a pull over a pending change, from
     * a checkpointed state (a revert store): the WAL with the remote transaction and the replay, the next revert
     * store as that release wrote it, and the journal in the given phase. Its fields are those that release wrote.
     */
    private RebaseJournal olderReleasesInterruptedPull(RebaseJournal.Phase phase) throws Exception {
        writeLocally("UPDATE t SET v = 'local' WHERE id = 7");
        new SyncCheckpoint(database, PAGE_SIZE).run(null);
        assertThat(RevertStore.fileOf(database)).exists();
        insertPending(5000);
        List<LogRow> copied = PullApplier.readPendingLog(database).rows();
        pull(applier(), remote, database, "r1", 7, null);
        JournalStore journals = new JournalStore(database);
        RebaseJournal journal = journals.read().orElseThrow();
        assertThat(new ObjectMapper().valueToTree(journal).fieldNames())
                .toIterable().as("the journal's format: the first rebase release's, the carried positions, and"
                        + " whether the pull keeps its pages in the WAL")
                .containsExactlyInAnyOrder("phase", "fromGeneration", "revision", "databaseSizePages",
                        "walLengthBefore", "walFramesBefore", "changes", "carried", "keptInWal");
        journals.write(new RebaseJournal(phase, journal.fromGeneration(), journal.revision(),
                journal.databaseSizePages(), journal.walLengthBefore(), journal.walFramesBefore(),
                copied, journal.carried(), null));
        // that release copied the pending changes, wrote no carried positions, and did not keep its pages in the WAL
        ObjectMapper json = new ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode older = (com.fasterxml.jackson.databind.node.ObjectNode)
                json.valueToTree(journals.read().orElseThrow());
        older.remove("carried");
        older.remove("keptInWal");
        java.nio.file.Files.write(ReplicaFiles.rebaseJournal(database), json.writeValueAsBytes(older));
        assertThat(journals.read().orElseThrow().carried()).isEqualTo(CarriedPositions.NONE);
        writeNextRevertAsOlderReleasesDid(journal);
        return journal;
    }

    /**
     * The next revert store of the older releases: the synced version (the remote transaction's frame, else the
     * file's page) of every page the replay wrote, and of the pages past the replay's size.
     */
    private void writeNextRevertAsOlderReleasesDid(RebaseJournal journal) throws IOException {
        WalFrames frames = WalFrames.read(DatabaseFiles.walOf(database));
        int remoteCommit = frames.nextCommit(journal.walFramesBefore());
        int replayCommit = frames.nextCommit(remoteCommit);
        assertThat(replayCommit).as("the replay committed").isPositive();
        long size = journal.databaseSizePages();
        Map<Integer, byte[]> next = new HashMap<>();
        try (SyncedPages synced = SyncedPages.open(database, PAGE_SIZE, RevertStore.empty(PAGE_SIZE), frames,
                remoteCommit)) {
            PageNumberSet replayed = new PageNumberSet();
            for (int frame = remoteCommit + 1; frame <= replayCommit; frame++) {
                replayed.add(frames.pageNumber(frame));
            }
            for (long page = frames.commitSize(replayCommit) + 1L; page <= size; page++) {
                replayed.add(page);
            }
            for (long page : replayed.toSortedArray()) {
                byte[] image = page <= size ? synced.page(page) : null;
                if (image != null) {
                    next.put((int) page, image);
                }
            }
        }
        assertThat(next).as("replayed pages").isNotEmpty();
        RevertStore.writeNew(ReplicaFiles.nextRevertStore(database), PAGE_SIZE, size, next);
    }

    /** The older release's finish: no journal, the next store installed, the WAL folded in, the replay there. */
    private void assertFinishedAsTheOlderReleaseDid() throws Exception {
        assertThat(ReplicaFiles.rebaseJournal(database)).doesNotExist();
        assertThat(ReplicaFiles.nextRevertStore(database)).doesNotExist();
        Path wal = DatabaseFiles.walOf(database);
        assertThat(!Files.exists(wal) || Files.size(wal) == 0).as("the WAL is folded in").isTrue();
        assertSyncedStateIs(remote, null);
        assertReplayed(5000);
        try (Connection connection = open(database)) {
            assertThat(text(connection, "SELECT v FROM t WHERE id = 7")).as("the uncaptured local write, back to its synced version")
                    .startsWith("old-");
        }
    }

    /**
     * Events that cannot be decoded, found once the pull's WAL transaction is appended (the decoder fails only after
     * the database thread has run a task queued behind the writes, which it can only do if it does not wait for the
     * decoding): the pull is undone, the WAL cut back to its bytes before the pull, and no journal is left.
     */
    @Test
    void eventsThatCannotBeDecodedAfterTheAppendUndoThePullOverNothingPending() throws Exception {
        writeLocally("UPDATE t SET v = 'local' WHERE id = 7");
        assertDecodingFailureUndoesThePull();
        try (Connection connection = open(database)) {
            assertThat(text(connection, "SELECT v FROM t WHERE id = 7")).isEqualTo("local");
        }
    }

    /** As above over a pending change: the replay committed, and is cut back with the remote transaction. */
    @Test
    void eventsThatCannotBeDecodedAfterTheReplayUndoThePullOverPendingChanges() throws Exception {
        insertPending(5000);
        assertDecodingFailureUndoesThePull();
        try (Connection connection = open(database)) {
            assertThat(text(connection, "SELECT v FROM t WHERE id = 5000")).isEqualTo("local");
            assertThat(text(connection, "SELECT count(*) FROM tursosync_changes")).as("still pending").isEqualTo("1");
        }
    }

    private void assertDecodingFailureUndoesThePull() throws Exception {
        byte[] fileBefore = Files.readAllBytes(database);
        byte[] walBefore = Files.readAllBytes(DatabaseFiles.walOf(database));
        CountDownLatch writesEnded = new CountDownLatch(1);
        PullApplier applier = new PullApplier(database, (before, after, changed) -> {
            files.schedule(writesEnded::countDown);
            awaitSignal(writesEnded, "the database thread ran a task queued behind the writes");
            throw new IllegalStateException("a decoder that fails on purpose");
        }, new LocalReplay(new ChangeCapture(), mutation -> MutationResult.keep()), files, decoding);

        assertThatThrownBy(() -> pull(applier, remote, database, "r1", 0, null))
                .isInstanceOf(SyncProtocolException.class).hasMessageContaining("cannot be decoded")
                .hasMessageContaining("a decoder that fails on purpose").hasMessageContaining("undone");

        assertThat(applier.hasJournal()).isFalse();
        assertThat(Files.readAllBytes(DatabaseFiles.walOf(database))).as("the WAL cut back to its bytes before")
                .isEqualTo(walBefore);
        assertThat(Files.readAllBytes(database)).as("the file untouched").isEqualTo(fileBefore);
        try (Connection connection = open(database)) {
            assertThat(text(connection, "PRAGMA integrity_check")).isEqualTo("ok");
            assertThat(text(connection, "SELECT count(*) FROM t WHERE v LIKE 'new-%'")).isEqualTo("0");
        }
    }

    /**
     * In a window of the connection manager, with one database thread: the decoder waits until that thread has run
     * a task queued while it decodes, so the apply completes only if no database thread waits on the decoding, over
     * nothing pending and over a pending change.
     */
    @Test
    void noDatabaseThreadWaitsWhileTheEventsAreDecoded() throws Exception {
        for (boolean pending : new boolean[] {false, true}) {
            Path copy = folder.resolve("before-" + pending + ".db");
            if (pending) {
                Files.copy(copy.resolveSibling("before-false.db"), database, StandardCopyOption.REPLACE_EXISTING);
                Files.deleteIfExists(DatabaseFiles.walOf(database));
                DatabaseFiles.dropSharedMemory(database);
                insertPending(5000);
            } else {
                Files.copy(database, copy);
            }
            ConnectionManager manager = capturingManager();
            AtomicInteger decoded = new AtomicInteger();
            PullApplier applier = new PullApplier(database, (before, after, changed) -> {
                CountDownLatch ran = new CountDownLatch(1);
                manager.scheduler().schedule(ran::countDown);
                awaitSignal(ran, "the window's database thread ran a task queued during the decoding");
                decoded.incrementAndGet();
                return new ChangeEventDecoder(0.5).decode(before, after, changed);
            }, new LocalReplay(new ChangeCapture(), mutation -> MutationResult.keep()), manager.scheduler(),
                    decoding);
            AppliedPull applied;
            try {
                applied = applyInWindow(manager, applier);
            } finally {
                manager.close().block();
            }
            assertThat(decoded).hasValue(1);
            assertThat(applied.events()).as("pending: " + pending).hasSize(ROWS / 100);
            assertThat(applied.journal().isPresent()).isEqualTo(pending);
            assertThat(applied.walForce().doneAlready())
                    .as("only the pull over nothing pending hands back a force under way").isEqualTo(pending);
            applied.walForce().ended().block();
            applier.finish(applied);
            assertSyncedStateIs(remote, applied.syncedWal());
        }
    }

    /**
     * Over nothing pending, the window's connections are made ready (opened, capture installed) while the events
     * are decoded, not after: the decoder waits until a connection of the window has been initialized, so the apply
     * completes only if {@code keep()} started before the decoding ended.
     */
    @Test
    void overNothingPendingTheConnectionsOpenWhileTheEventsAreDecoded() throws Exception {
        ConnectionManager manager = new ConnectionManager(database, 1);
        ChangeCapture capture = new ChangeCapture();
        CountDownLatch initialized = new CountDownLatch(1);
        manager.setConnectionInitializer(connection -> {
            capture.initialize(connection);
            initialized.countDown();
        });
        manager.setStatementObserver(capture);
        PullApplier applier = new PullApplier(database, (before, after, changed) -> {
            awaitSignal(initialized, "a connection of the window was initialized during the decoding");
            return new ChangeEventDecoder(0.5).decode(before, after, changed);
        }, new LocalReplay(capture, mutation -> MutationResult.keep()), manager.scheduler(), decoding);
        AppliedPull applied;
        try {
            applied = applyInWindow(manager, applier);
        } finally {
            manager.close().block();
        }
        assertThat(applied.events()).hasSize(ROWS / 100);
        applied.walForce().ended().block();
        applier.finish(applied);
        assertSyncedStateIs(remote, applied.syncedWal());
    }

    /**
     * Applies the remote's pages in a window of the manager, which lasts until the window's connections are ready:
     * the apply's own {@code keeping}, or, when it started none, a {@code keep()} once the apply has ended.
     */
    private AppliedPull applyInWindow(ConnectionManager manager, PullApplier applier) throws Exception {
        Path stage = stage(remote, database, false);
        long size = pages(remote);
        return manager.exclusive(PendingLog::read, (read, window) -> {
            StagedPages staged = StagedPages.open(stage);
            return applier.apply(staged, "r1", size, "client", 0, null, read, window)
                    .flatMap(done -> done.keeping().map(StartedStep::ended)
                            .orElseGet(() -> Mono.fromRunnable(() -> keep(window))
                                    .subscribeOn(manager.scheduler()).then())
                            .thenReturn(done))
                    .doFinally(ended -> staged.close());
        }).block(java.time.Duration.ofSeconds(60));
    }

    private static void keep(WindowConnections window) {
        try {
            window.keep();
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
    }

    private static void awaitSignal(CountDownLatch signal, String what) {
        try {
            if (!signal.await(30, TimeUnit.SECONDS)) {
                throw new AssertionError("no signal within 30 s: " + what);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    void aPullWithMalformedPagesIsRefusedAndChangesNothing() throws Exception {
        byte[] before = Files.readAllBytes(database);
        PullApplier applier = applier();

        try (StagedPages staged = StagedPages.of(inMemory(stage(remote, true)))) {
            assertThatThrownBy(() -> applier.apply(staged, "r1", pages(remote), "client", 0, null).block())
                    .isInstanceOf(SyncProtocolException.class)
                    .hasMessageContaining("cell pointer array");
        }

        assertThat(applier.hasJournal()).isFalse();
        Path wal = DatabaseFiles.walOf(database);
        assertThat(!Files.exists(wal) || Files.size(wal) == 0).as("the WAL is cut back").isTrue();
        assertThat(Files.readAllBytes(database)).isEqualTo(before);
        assertThat(folder.resolve("local.db-revert.next")).doesNotExist();
        try (Connection connection = open(database)) {
            assertThat(text(connection, "PRAGMA integrity_check")).isEqualTo("ok");
            assertThat(text(connection, "SELECT count(*) FROM t WHERE v LIKE 'old-%'")).isEqualTo(
                    String.valueOf(ROWS));
        }
    }

    /**
     * The first pull into an empty replica (a client built with {@code bootstrapIfEmpty(false)}) installs a whole
     * database, so it passes {@code quick_check} first, as a bootstrap does: here every page is well formed but the
     * index page comes from an older state, one entry short, which only the count of entries shows.
     */
    @Test
    void aFirstPullWhoseIndexMissesAnEntryIsNotInstalled() throws Exception {
        Path older = folder.resolve("older.db");
        Path newer = folder.resolve("newer.db");
        for (Path file : List.of(older, newer)) {
            try (Connection connection = open(file)) {
                exec(connection, "CREATE TABLE s(id INTEGER PRIMARY KEY, v TEXT)", "CREATE INDEX s_v ON s(v)",
                        "INSERT INTO s(v) VALUES ('a'), ('b'), ('c')");
                if (file.equals(newer)) {
                    exec(connection, "INSERT INTO s(v) VALUES ('d')");
                }
            }
        }
        byte[] newest = Files.readAllBytes(newer);
        Map<Long, byte[]> pages = new LinkedHashMap<>();
        for (long page = 1; page <= pages(newer); page++) {
            pages.put(page, Arrays.copyOfRange(newest, (int) (page - 1) * PAGE_SIZE, (int) page * PAGE_SIZE));
        }
        pages.put(3L, Arrays.copyOfRange(Files.readAllBytes(older), 2 * PAGE_SIZE, 3 * PAGE_SIZE));
        Path empty = Files.createFile(folder.resolve("empty.db"));
        PullApplier applier = new PullApplier(empty, new ChangeEventDecoder(0.5)::decode,
                new LocalReplay(new ChangeCapture(), mutation -> MutationResult.keep()), files, decoding);

        try (StagedPages staged = StagedPages.of(pages)) {
            assertThatThrownBy(() -> applier.apply(staged, "r1", pages(newer), "client", 0, null).block())
                    .isInstanceOf(SyncProtocolException.class).hasMessageContaining("quick_check")
                    .hasMessageContaining("s_v");
        }
        assertThat(Files.size(empty)).isZero();
        assertThat(folder.resolve("empty.db.pulled")).doesNotExist();
    }

    private PullApplier applier() {
        return applier(PullApplier.FOLD_IN_WAL_BYTES);
    }

    private PullApplier applier(long foldInWalBytes) {
        return new PullApplier(database, new ChangeEventDecoder(0.5)::decode,
                new LocalReplay(new ChangeCapture(), mutation -> MutationResult.keep()), files, decoding,
                foldInWalBytes);
    }

    /**
     * A local write that stays in the WAL, as the client's connections leave it: a read-only connection closes
     * last, so SQLite does not checkpoint.
     */
    private void writeLocally(String sql) throws SQLException {
        try (Connection guard = ReplicaConnections.open(database, ReplicaConnections.Role.SENTINEL)) {
            try (Connection writer = ReplicaConnections.open(database, ReplicaConnections.Role.CLIENT)) {
                exec(writer, sql);
            }
            assertThat(text(guard, "SELECT count(*) FROM t")).isEqualTo(String.valueOf(ROWS));
        }
    }

    /** Applies the pages of {@code source} that differ from {@code from}, as the server would send them. */
    private AppliedPull pull(PullApplier applier, Path source, Path from, String revision, long generation,
                             SyncMetadata.WalPrefix prefix) throws IOException {
        try (StagedPages staged = StagedPages.open(stage(source, from, false))) {
            return applier.apply(staged, revision, pages(source), "client", generation, prefix).block();
        }
    }

    /** A local insert through capture, as the client's connections make it: a pending change, left in the WAL. */
    private void insertPending(int id) {
        ConnectionManager manager = capturingManager();
        try {
            writePending(manager, id);
        } finally {
            manager.close().block();
        }
    }

    /** A connection manager of the database with the client's change capture. */
    private ConnectionManager capturingManager() {
        ConnectionManager manager = new ConnectionManager(database, 1);
        ChangeCapture capture = new ChangeCapture();
        manager.setConnectionInitializer(capture);
        manager.setStatementObserver(capture);
        return manager;
    }

    private static void writePending(ConnectionManager manager, int id) {
        String sql = "INSERT INTO t VALUES (" + id + ", 'local')";
        manager.withConnection(connection -> {
            exec(connection, sql);
            manager.afterStatement(connection, sql);
            return true;
        }).block();
    }

    /** The row of {@link #insertPending} is there over the remote's rows, and pending again. */
    private void assertReplayed(int id) throws SQLException {
        try (Connection connection = open(database)) {
            assertThat(text(connection, "PRAGMA integrity_check")).isEqualTo("ok");
            assertThat(text(connection, "SELECT v FROM t WHERE id = " + id)).isEqualTo("local");
            assertThat(text(connection, "SELECT count(*) FROM t WHERE v LIKE 'new-%'")).isEqualTo("20");
            assertThat(text(connection, "SELECT count(*) FROM tursosync_changes")).isEqualTo("1");
        }
    }

    /** A copy of a database with statements run on it. */
    private Path changedCopy(Path source, String... sql) throws Exception {
        Path copy = folder.resolve("copy-" + System.nanoTime() + ".db");
        Files.copy(source, copy);
        try (Connection connection = open(copy)) {
            exec(connection, sql);
        }
        return copy;
    }

    /** The synced state (with the prefix, or the revert store without one) is the expected file, page by page. */
    private void assertSyncedStateIs(Path expected, SyncMetadata.WalPrefix prefix) throws IOException {
        byte[] want = Files.readAllBytes(expected);
        WalFrames frames = WalFrames.read(DatabaseFiles.walOf(database));
        int covered = SyncedPrefix.framesIn(prefix, frames);
        try (SyncedPages synced = SyncedPages.open(database, PAGE_SIZE,
                RevertStore.open(RevertStore.fileOf(database), PAGE_SIZE), frames, covered)) {
            assertThat(synced.sizePages()).as("synced size").isEqualTo(want.length / PAGE_SIZE);
            for (int page = 1; page <= want.length / PAGE_SIZE; page++) {
                assertThat(synced.page(page)).as("synced page %d", page)
                        .isEqualTo(Arrays.copyOfRange(want, (page - 1) * PAGE_SIZE, page * PAGE_SIZE));
            }
        }
    }

    /**
     * A stage of the pages of {@code source} that differ from the local file; with {@code corrupt}, every changed
     * table leaf claims more cells than fit on a page.
     */
    private Path stage(Path source, boolean corrupt) throws IOException {
        return stage(source, database, corrupt);
    }

    /** A stage of the pages of {@code source} that differ from {@code from} (the state the pull starts from). */
    private Path stage(Path source, Path from, boolean corrupt) throws IOException {
        byte[] local = Files.readAllBytes(from);
        byte[] changed = Files.readAllBytes(source);
        Path stage = folder.resolve("stage");
        int leaves = 0;
        try (FileChannel file = FileChannel.open(stage, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (int page = 1; page * PAGE_SIZE <= changed.length; page++) {
                int start = (page - 1) * PAGE_SIZE;
                byte[] image = Arrays.copyOfRange(changed, start, start + PAGE_SIZE);
                if (start + PAGE_SIZE <= local.length
                        && Arrays.equals(image, Arrays.copyOfRange(local, start, start + PAGE_SIZE))) {
                    continue;
                }
                int header = page == 1 ? 100 : 0;
                if (corrupt && image[header] == 0x0D) {
                    image[header + 3] = (byte) 0xFF;
                    image[header + 4] = (byte) 0xFF;
                    leaves++;
                }
                ByteBuffer number = ByteBuffer.allocate(4).putInt(0, page);
                file.write(new ByteBuffer[] {number, ByteBuffer.wrap(image)});
            }
        }
        assertThat(!corrupt || leaves > 0).as("a changed leaf to corrupt").isTrue();
        return stage;
    }

    /** The pages of a stage file, as {@link PageStage} keeps a small pull in memory. */
    private static Map<Long, byte[]> inMemory(Path stage) {
        Map<Long, byte[]> pages = new LinkedHashMap<>();
        try (StagedPages staged = StagedPages.open(stage)) {
            staged.pageNumbers().forEach(page -> pages.put(page, staged.page(page)));
        }
        return pages;
    }

    private static long pages(Path file) throws IOException {
        return Files.size(file) / PAGE_SIZE;
    }

    private static Connection open(Path file) throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + file);
    }

    private static void exec(Connection connection, String... sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String each : sql) {
                statement.execute(each);
            }
        }
    }

    private static String text(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            assertThat(rows.next()).isTrue();
            return rows.getString(1);
        }
    }
}
