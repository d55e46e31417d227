package dev.tursosync.internal.pull;

import dev.tursosync.ChangeEvent;
import dev.tursosync.ReplayFailedException;
import dev.tursosync.SyncProtocolException;
import dev.tursosync.TursoSyncException;
import dev.tursosync.internal.capture.CarriedPositions;
import dev.tursosync.internal.capture.LogRow;
import dev.tursosync.internal.capture.PendingLog;
import dev.tursosync.internal.db.ReplicaConnections;
import dev.tursosync.internal.db.WindowConnections;
import dev.tursosync.internal.events.ChangeEventDecoder;
import dev.tursosync.internal.io.AtomicFile;
import dev.tursosync.internal.io.Durability;
import dev.tursosync.internal.io.KillPoints;
import dev.tursosync.internal.io.ReplicaFiles;
import dev.tursosync.internal.rebase.DatabaseFiles;
import dev.tursosync.internal.rebase.JournalStore;
import dev.tursosync.internal.rebase.LocalReplay;
import dev.tursosync.internal.rebase.RebaseJournal;
import dev.tursosync.internal.rebase.RevertStore;
import dev.tursosync.internal.rebase.SyncCheckpoint;
import dev.tursosync.internal.rebase.SyncedPages;
import dev.tursosync.internal.rebase.SyncedPrefix;
import dev.tursosync.internal.meta.SyncMetadata.WalPrefix;
import dev.tursosync.internal.wal.WalAppend;
import dev.tursosync.internal.sqlite.PageNumberSet;
import dev.tursosync.internal.sqlite.PageSource;
import dev.tursosync.internal.wal.WalFrame;
import dev.tursosync.internal.wal.WalFrames;
import dev.tursosync.internal.wal.WalScan;
import dev.tursosync.internal.wal.WalWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * Applies a staged pull while no connection is open (the caller holds the exclusive permit), rebasing the pending
 * local changes on top of it.
 *
 * <p>The synced state is the database file with the synced prefix of the WAL over it, or, when the WAL holds no
 * prefix, with the revert store's pages put back ({@link SyncedPages}); the WAL frames after the prefix are what
 * was written locally since. A pull, in order:
 * <ol>
 *   <li>starts decoding the change events on another thread, from the synced state and the staged pages, which
 *       stay as they are while it runs;</li>
 *   <li>reads the pending local changes; if there are any, writes where the WAL ends to the rebase journal (not
 *       the changes: they stay in the change log until a replay that recaptures them commits, and recovery never
 *       replays);</li>
 *   <li>appends one WAL transaction that turns the local state into the remote one: the staged pages, plus the
 *       synced version of every page written locally (after the prefix, or in the revert store) that the remote did
 *       not change, with the remote's size in the commit frame; where it ends is the new synced prefix;</li>
 *   <li>if changes were pending, replays them in a second transaction (capture reinstalled, the transform hook
 *       applied; if a change fails, the WAL is cut back to where it ended, which restores the local state
 *       exactly): its frames follow the prefix, so they are local changes;</li>
 *   <li>waits for the events; if decoding failed, the pull is undone like a failed replay.</li>
 * </ol>
 * The caller then records the new revision, generation and prefix in the metadata, which is the pull's point of no
 * return, and calls {@link #finish(AppliedPull)}: the revert store goes (the prefix holds the synced version of each
 * of its pages), the journal goes, and the WAL is folded into the file only once it passed a size. Without pending
 * changes no journal is needed: a torn transaction is ignored by SQLite, and a committed one the metadata does not
 * record is, for the next pull, a local transaction whose pages it writes back. After a crash with a journal,
 * {@link #recover} reads it: if the metadata records the pull, only {@link #finish(AppliedPull)} is redone; if not,
 * without the last transaction's commit in the WAL the pull is undone (the journal's changes are still in the
 * database), and with it the caller records the pull. So no change is lost or applied twice. An empty database gets
 * its first pages through a new file renamed into place instead.
 */
public final class PullApplier {

    private static final int PAGE_SIZE = 4096;

    /**
     * The WAL size past which a pull over no pending change folds the WAL into the file after all: every apply
     * scans the whole WAL, and SQLite rebuilds its index from it when the connections open again.
     */
    static final long FOLD_IN_WAL_BYTES = 8L << 20;

    private final Path database;
    private final Path wal;
    private final Path nextRevert;
    private final ChangeEventDecoder decoder;
    private final LocalReplay replay;
    private final JournalStore journals;
    private final Executor decodeExecutor;
    private final long foldInWalBytes;

    /**
     * Creates an applier.
     *
     * @param database       the database file
     * @param decoder        computes change events from old and new pages
     * @param replay         replays pending local changes
     * @param decodeExecutor runs the decoder while the apply writes (never interrupt its threads)
     */
    public PullApplier(Path database, ChangeEventDecoder decoder, LocalReplay replay, Executor decodeExecutor) {
        this(database, decoder, replay, decodeExecutor, FOLD_IN_WAL_BYTES);
    }

    /**
     * Creates an applier that folds the WAL into the file after a pull over no pending change once it passes a size.
     *
     * @param database       the database file
     * @param decoder        computes change events from old and new pages
     * @param replay         replays pending local changes
     * @param decodeExecutor runs the decoder while the apply writes (never interrupt its threads)
     * @param foldInWalBytes the WAL size past which such a pull folds the WAL in; 0 folds every time
     */
    public PullApplier(Path database, ChangeEventDecoder decoder, LocalReplay replay, Executor decodeExecutor,
                       long foldInWalBytes) {
        this.database = database;
        this.wal = DatabaseFiles.walOf(database);
        this.nextRevert = ReplicaFiles.nextRevertStore(database);
        this.decoder = decoder;
        this.replay = replay;
        this.journals = new JournalStore(database);
        this.decodeExecutor = decodeExecutor;
        this.foldInWalBytes = foldInWalBytes;
    }

    /**
     * Applies a staged pull and replays the pending local changes on top. Call only with every connection closed.
     * On success a journal (written when changes were pending) is left in place: record the returned pull's
     * revision, generation and synced prefix, then pass it to {@link #finish(AppliedPull)}.
     *
     * @param staged            the staged pages (the caller closes them)
     * @param revision          the staged revision
     * @param databaseSizePages the database size at the staged revision
     * @param clientId          this client's id
     * @param fromGeneration    the current pull generation
     * @param syncedWal         the synced prefix of the WAL the metadata records, or {@code null}
     * @return the applied pull, with the change events of the remote changes
     * @throws ReplayFailedException if a pending change cannot be replayed; the pull is then undone
     * @throws SyncProtocolException  if the staged pages are malformed; nothing is written then
     */
    public AppliedPull apply(StagedPages staged, String revision, long databaseSizePages, String clientId,
                             long fromGeneration, WalPrefix syncedWal) {
        return apply(staged, revision, databaseSizePages, clientId, fromGeneration, syncedWal, Optional.empty());
    }

    /**
     * As {@link #apply(StagedPages, String, long, String, long, WalPrefix)}, with the pending local changes already
     * read: by the caller, in the same exclusive window, on a connection that was still open
     * ({@code ConnectionManager.exclusive(read, work)}), which spares the apply a connection of its own and SQLite
     * the rebuild of its WAL index that the first connection opened after all have closed makes.
     *
     * @param staged            the staged pages (the caller closes them)
     * @param revision          the staged revision
     * @param databaseSizePages the database size at the staged revision
     * @param clientId          this client's id
     * @param fromGeneration    the current pull generation
     * @param syncedWal         the synced prefix of the WAL the metadata records, or {@code null}
     * @param pending           the change log (its rows and carried positions), read in this window once every other
     *                          work had ended; empty to read it here
     * @return the applied pull, with the change events of the remote changes
     * @throws ReplayFailedException if a pending change cannot be replayed; the pull is then undone
     * @throws SyncProtocolException  if the staged pages are malformed; nothing is written then
     */
    public AppliedPull apply(StagedPages staged, String revision, long databaseSizePages, String clientId,
                             long fromGeneration, WalPrefix syncedWal, Optional<PendingLog> pending) {
        try (WindowConnections window = WindowConnections.unmanaged(database)) {
            return apply(staged, revision, databaseSizePages, clientId, fromGeneration, syncedWal, pending, window);
        }
    }

    /**
     * As {@link #apply(StagedPages, String, long, String, long, WalPrefix, Optional)}, in a window of the
     * {@code ConnectionManager}: the synced state is read through the window's handle on the database file, and the
     * replay's connection and the read-only one opened before it stay open in the window (for the manager's pool),
     * so the first connection after the pull does not make SQLite rebuild its WAL index once more. On failure the
     * window is closed before the WAL is cut back.
     *
     * @param staged            the staged pages (the caller closes them)
     * @param revision          the staged revision
     * @param databaseSizePages the database size at the staged revision
     * @param clientId          this client's id
     * @param fromGeneration    the current pull generation
     * @param syncedWal         the synced prefix of the WAL the metadata records, or {@code null}
     * @param pending           the change log read in this window, or empty to read it here
     * @param window            the window's connections and its read handle on the database file
     * @return the applied pull, with the change events of the remote changes
     * @throws ReplayFailedException if a pending change cannot be replayed; the pull is then undone
     * @throws SyncProtocolException  if the staged pages are malformed; nothing is written then
     */
    public AppliedPull apply(StagedPages staged, String revision, long databaseSizePages, String clientId,
                             long fromGeneration, WalPrefix syncedWal, Optional<PendingLog> pending,
                             WindowConnections window) {
        if (DatabaseFiles.isEmpty(database)) {
            PullValidator.check(PageNumberSet.of(staged.pageNumbers()), staged::page, pageNumber -> null, 0,
                    databaseSizePages);
            List<ChangeEvent> events = decoder.decode(pageNumber -> null, staged::page,
                    PageNumberSet.of(staged.pageNumbers()));
            replaceEmptyDatabase(staged, databaseSizePages);
            return new AppliedPull(revision, fromGeneration + 1, Optional.empty(), null, false, events);
        }
        WalFrames local = WalFrames.read(wal);
        int prefix = SyncedPrefix.framesIn(syncedWal, local);
        RevertStore revert = prefix > 0 ? RevertStore.empty(PAGE_SIZE)
                : RevertStore.open(RevertStore.fileOf(database), PAGE_SIZE);
        try (SyncedPages synced = SyncedPages.open(window.databaseFile(), PAGE_SIZE, revert, local, prefix)) {
            PageNumberSet remote = PageNumberSet.of(staged.pageNumbers());
            PullValidator.check(remote, staged::page, synced, synced.sizePages(), databaseSizePages);
            PageSource after = pageNumber -> {
                byte[] page = staged.page(pageNumber);
                return page != null ? page : synced.page(pageNumber);
            };
            EventDecoding decoding = EventDecoding.start(() -> decoder.decode(synced, after, remote),
                    decodeExecutor);
            try {
                PendingLog pendingLog = pending.orElseGet(() -> readPendingLog(database));
                List<LogRow> pendingRows = pendingLog.rows();
                WalScan scan = local.scan();
                long[] reverted = revertedPages(local, prefix, revert, remote, synced.sizePages(),
                        databaseSizePages);
                if (pendingRows.isEmpty()) {
                    return appendAlone(staged, reverted, synced, scan, revision, databaseSizePages,
                            fromGeneration, decoding);
                }
                boolean continues = scan.headerValid();
                // no copy of the pending changes: recovery never replays, it keeps a committed replay or cuts the
                // WAL back to where they are still in the change log
                RebaseJournal journal = new RebaseJournal(RebaseJournal.Phase.PREPARED, fromGeneration, revision,
                        databaseSizePages, continues ? scan.committedLength() : 0,
                        continues ? scan.lastCommitFrame() : 0, List.of(), CarriedPositions.NONE, true);
                journals.write(journal);
                KillPoints.reached("pull.journal-written");
                // not forced: the replay's commit forces the log (synchronous = FULL), these frames with it
                WalAppend appended = WalWriter.appendTransaction(scan, PAGE_SIZE,
                        frames(staged, reverted, synced), Math.toIntExact(databaseSizePages), false);
                DatabaseFiles.dropSharedMemory(database);
                KillPoints.reached("pull.pages-appended");
                WalPrefix next = SyncedPrefix.endingAt(wal, appended.lastFrame());
                replayOrUndo(journal, pendingLog, clientId, window);
                forceUnlessReplayWrote(appended);
                KillPoints.reached("pull.replayed");
                List<ChangeEvent> events = decodedOrUndo(decoding, journal, window);
                return new AppliedPull(revision, fromGeneration + 1, Optional.of(journal), next,
                        walSize() > foldInWalBytes, events);
            } finally {
                decoding.awaitQuietly();
            }
        }
    }

    /**
     * A pull over no pending change: one WAL transaction, kept in the WAL as the new synced prefix, without a
     * journal. A crash before it commits leaves a torn transaction that SQLite's recovery ignores; one after it
     * commits but before the metadata records the prefix leaves a transaction after the recorded prefix, that is
     * local frames as far as the synced state goes, and the next pull writes their synced versions back like any
     * other local write (docs/sync-client.md, crash safety). If the events cannot be decoded, the WAL is cut back.
     */
    private AppliedPull appendAlone(StagedPages staged, long[] reverted, SyncedPages synced, WalScan scan,
                                    String revision, long databaseSizePages, long fromGeneration,
                                    EventDecoding decoding) {
        WalAppend appended = WalWriter.appendTransaction(scan, PAGE_SIZE, frames(staged, reverted, synced),
                Math.toIntExact(databaseSizePages));
        DatabaseFiles.dropSharedMemory(database);
        KillPoints.reached("pull.pages-appended");
        WalPrefix prefix = SyncedPrefix.endingAt(wal, appended.lastFrame());
        List<ChangeEvent> events;
        try {
            events = decoding.await();
        } catch (RuntimeException e) {
            DatabaseFiles.truncateWal(database, scan.headerValid() ? scan.committedLength() : 0);
            throw e instanceof TursoSyncException ? e
                    : new SyncProtocolException("the pulled pages cannot be decoded into change events: "
                            + e.getMessage() + "; the pull was undone", e);
        }
        return new AppliedPull(revision, fromGeneration + 1, Optional.empty(), prefix,
                appended.endOffset() > foldInWalBytes, events);
    }

    /**
     * The events, once decoded. If decoding failed, the pull is undone (the journal is still in its prepared
     * phase, so nothing has touched the database file yet) and the failure is thrown, as a protocol error: the
     * pages came from the server.
     */
    private List<ChangeEvent> decodedOrUndo(EventDecoding decoding, RebaseJournal journal,
                                            WindowConnections window) {
        try {
            return decoding.await();
        } catch (RuntimeException e) {
            window.closeConnections();
            undo(journal);
            throw e instanceof TursoSyncException ? e
                    : new SyncProtocolException("the pulled pages cannot be decoded into change events: "
                            + e.getMessage() + "; the pull was undone", e);
        }
    }

    /**
     * Whether an interrupted pull waits for {@link #recover}.
     *
     * @return whether the rebase journal holds a journal (or cannot be read, which recovery then reports)
     */
    public boolean hasJournal() {
        return journals.holdsJournal();
    }

    /**
     * Ends a pull once the metadata records its revision, generation and synced prefix: deletes the revert store,
     * folds the WAL into the file if it passed the size, and deletes the journal. A crash before the journal is gone
     * makes {@link #recover} redo this (each step is idempotent). A journal of an older version, whose pull the
     * metadata records without a prefix, is finished as that version did: its new revert store installed, the WAL
     * folded in.
     *
     * @param pull the pull {@link #apply} or {@link #recover} handed back
     */
    public void finish(AppliedPull pull) {
        if (pull.syncedWal() != null) {
            keepInWal(pull.syncedWal(), pull.foldIn());
            KillPoints.reached("pull.kept-in-wal");
            pull.journal().ifPresent(journal -> journals.deleteRecorded());
        } else {
            pull.journal().ifPresent(this::complete);
        }
    }

    /**
     * After a pull kept in the WAL is recorded: while the WAL holds its prefix, the revert store goes (every page it
     * held is older than the prefix, which wrote the synced version of each; after a crash that came once a
     * checkpoint had folded the prefix, the store is the checkpoint's and stays); then, past the size, the WAL is
     * folded in by a {@link SyncCheckpoint}, which keeps the synced version of the replayed pages in a new store.
     */
    private void keepInWal(WalPrefix prefix, boolean foldIn) {
        try {
            Files.deleteIfExists(nextRevert);
            if (SyncedPrefix.holds(prefix, wal)) {
                AtomicFile.delete(RevertStore.fileOf(database));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the revert store of " + database, e);
        }
        KillPoints.reached("pull.revert-store-deleted");
        if (foldIn) {
            new SyncCheckpoint(database, PAGE_SIZE).run(prefix);
            KillPoints.reached("pull.folded-in");
        }
    }

    /**
     * The remote transaction was appended without a force, for the replay's commit to force the log with it. A replay
     * that wrote nothing (every change skipped) commits nothing and forces nothing, so the log is forced here before
     * the metadata records the prefix.
     */
    private void forceUnlessReplayWrote(WalAppend appended) {
        if (walSize() <= appended.endOffset()) {
            DatabaseFiles.forceWal(database);
        }
    }

    private long walSize() {
        try {
            return Files.exists(wal) ? Files.size(wal) : 0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the size of " + wal, e);
        }
    }

    /** The steps after the metadata: the revert store, the checkpoint, then the journal goes. */
    private void complete(RebaseJournal journal) {
        installAndCheckpoint(journal);
        journals.delete();
    }

    /**
     * Finishes or undoes a pull that a crash interrupted. Call with every connection closed, before anything else.
     *
     * <p>{@link #finish(AppliedPull)} removes a journal without forcing the folder, and the metadata is written in
     * place, forcing no folder either, so a crash may bring back the journal of a pull recorded any number of
     * operations ago. It is told apart by the generations: a journal is written in the generation the metadata
     * records, and until the metadata records its pull (one generation on) it is recovered before any other operation
     * runs, so a journal more than one generation behind is finished, and so is one exactly one behind whose pull
     * kept its pages in the WAL while the metadata records no prefix (a checkpoint folded it in since). Both are only
     * deleted; finishing them again could fold later local writes in without their synced versions.
     *
     * @param recordedGeneration the pull generation the metadata records now
     * @param recordedWal        the synced prefix the metadata records now, or {@code null}
     * @return a pull that committed but is not recorded yet (record its revision and generation, then pass it to
     *         {@link #finish(AppliedPull)}), or empty if there was none, it was undone, or the metadata already
     *         recorded it (then it is finished here)
     */
    public Optional<AppliedPull> recover(long recordedGeneration, WalPrefix recordedWal) {
        Optional<RebaseJournal> found = journals.read();
        if (found.isEmpty()) {
            return Optional.empty();
        }
        RebaseJournal journal = found.get();
        if (recordedGeneration > journal.fromGeneration() + 1
                || recordedGeneration == journal.fromGeneration() + 1 && recordedWal == null && journal.keepsPrefix()) {
            // finished long ago; its removal was not forced and a crash brought it back (see finish)
            journals.delete();
            return Optional.empty();
        }
        if (recordedGeneration == journal.fromGeneration() + 1) {
            if (recordedWal != null) {
                keepInWal(recordedWal, false);
                journals.delete();
            } else {
                complete(journal);
            }
            return Optional.empty();
        }
        if (journal.phase() == RebaseJournal.Phase.PREPARED) {
            WalFrames frames = WalFrames.read(wal);
            int remoteCommit = frames.nextCommit(journal.walFramesBefore());
            boolean replayed = !journal.overPendingChanges() || frames.nextCommit(remoteCommit) != 0;
            if (remoteCommit == 0 || !replayed) {
                undo(journal);
                return Optional.empty();
            }
            return Optional.of(new AppliedPull(journal.revision(), journal.fromGeneration() + 1,
                    Optional.of(journal), SyncedPrefix.endingAt(wal, remoteCommit), false, List.of()));
        }
        return Optional.of(AppliedPull.of(journal, List.of()));
    }

    /**
     * The pages whose synced version goes into the remote transaction: every page written locally (in the WAL or,
     * folded by a checkpoint, in the revert store) that the remote did not send, within the new size. Such a page
     * existed in the synced state, since the remote sends every page it added.
     */
    private static long[] revertedPages(WalFrames localFrames, int prefix, RevertStore revert, PageNumberSet remote,
                                        long syncedSize, long newSize) {
        PageNumberSet local = new PageNumberSet();
        for (int frame = prefix + 1; frame <= localFrames.count(); frame++) {
            local.add(localFrames.pageNumber(frame));
        }
        for (int page : revert.pageNumbers()) {
            local.add(page);
        }
        List<Long> reverted = new ArrayList<>();
        for (long page : local.toSortedArray()) {
            if (page > newSize || remote.contains(page)) {
                continue;
            }
            if (page > syncedSize) {
                throw new SyncProtocolException("the server grew the database to " + newSize + " pages but did not "
                        + "send page " + page + ", which the synced state (" + syncedSize + " pages) did not have");
            }
            reverted.add(page);
        }
        return reverted.stream().mapToLong(Long::longValue).toArray();
    }

    private static Iterator<WalFrame> frames(StagedPages staged, long[] reverted, PageSource synced) {
        Iterator<Long> remote = staged.pageNumbers().iterator();
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return remote.hasNext() || next < reverted.length;
            }

            @Override
            public WalFrame next() {
                if (remote.hasNext()) {
                    long pageNumber = remote.next();
                    return WalFrame.of(Math.toIntExact(pageNumber), staged.page(pageNumber));
                }
                long pageNumber = reverted[next++];
                return WalFrame.of(Math.toIntExact(pageNumber), synced.page(pageNumber));
            }
        };
    }

    /**
     * The second transaction: capture and the pending changes on top of the remote pages, on the window's writer,
     * which stays open once the transaction committed. A failure closes the window's connections and cuts the WAL
     * back, which drops the remote pages too and leaves the local state as it was.
     */
    private void replayOrUndo(RebaseJournal journal, PendingLog pending, String clientId,
                              WindowConnections window) {
        RuntimeException failure = null;
        try {
            Connection connection = window.writer();
            connection.setAutoCommit(false);
            try {
                replay.replay(connection, clientId, journal.fromGeneration(), journal.revision(),
                        pending.rows().stream().map(LogRow::toChange).toList(), pending.carried());
                connection.commit();
                connection.setAutoCommit(true);
            } catch (SQLException | RuntimeException e) {
                failure = e instanceof RuntimeException runtime ? runtime
                        : new TursoSyncException("replaying the local changes failed: " + e.getMessage(), e);
            }
        } catch (SQLException e) {
            failure = new TursoSyncException("cannot open the database to replay the local changes", e);
        }
        if (failure != null) {
            window.closeConnections();
            undo(journal);
            throw blamingCorruptPages(failure);
        }
    }

    /**
     * A replay that failed because SQLite found the pulled pages corrupt is the server's fault, not the change's:
     * a protocol error rather than a {@link ReplayFailedException} that suggests skipping the change.
     */
    private static RuntimeException blamingCorruptPages(RuntimeException failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof org.sqlite.SQLiteException sqlite) {
                int primary = sqlite.getResultCode().code & 0xff;
                if (primary == org.sqlite.SQLiteErrorCode.SQLITE_CORRUPT.code
                        || primary == org.sqlite.SQLiteErrorCode.SQLITE_NOTADB.code) {
                    return new SyncProtocolException("the pulled pages are corrupt (SQLite: " + sqlite.getMessage()
                            + "); the pull was undone and the local changes stay pending", failure);
                }
            }
        }
        return failure;
    }

    private void undo(RebaseJournal journal) {
        DatabaseFiles.truncateWal(database, journal.walLengthBefore());
        KillPoints.reached("pull.wal-cut-back");
        try {
            Files.deleteIfExists(nextRevert);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        journals.delete();
    }

    /**
     * Makes the revert store that of the new synced state, then folds the WAL into the file. Without replayed
     * changes the file alone is the new synced state, so the store goes; with them the store written by
     * {@link #writeNextRevert} replaces it (unless a crash came after it already did).
     */
    private void installAndCheckpoint(RebaseJournal journal) {
        try {
            if (!journal.overPendingChanges()) {
                Files.deleteIfExists(nextRevert);
                AtomicFile.delete(RevertStore.fileOf(database));
            } else if (Files.exists(nextRevert)) {
                RevertStore.install(nextRevert, database);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot replace the revert store of " + database, e);
        }
        DatabaseFiles.checkpointTruncate(database);
    }

    /**
     * Reads the change log on a connection of its own, for a pull that found no open connection to read it on: call
     * with every other connection closed.
     *
     * @param database the database file
     * @return the log; {@link PendingLog#NONE} for a database that holds no page yet
     */
    public static PendingLog readPendingLog(Path database) {
        if (DatabaseFiles.isEmpty(database)) {
            return PendingLog.NONE;
        }
        try (Connection connection = ReplicaConnections.open(database, ReplicaConnections.Role.READ_ONLY)) {
            return PendingLog.read(connection);
        } catch (SQLException e) {
            throw new TursoSyncException("cannot read the pending local changes of " + database, e);
        }
    }

    /** A whole database from the server is checked as a bootstrap is; a refused one is deleted, never installed. */
    private static void checkBeforeInstalling(Path fresh) throws IOException {
        try {
            SnapshotCheck.quickCheck(fresh);
        } catch (RuntimeException e) {
            Files.deleteIfExists(fresh);
            throw e;
        }
    }

    /**
     * SQLite discards the WAL of an empty database file instead of recovering it, so the first pages of a
     * database are written into a new file, forced, checked with {@code quick_check} as a bootstrap is, and renamed
     * over the empty one.
     */
    private void replaceEmptyDatabase(StagedPages staged, long databaseSizePages) {
        Path fresh = ReplicaFiles.pulledDatabase(database);
        try {
            try (FileChannel file = FileChannel.open(fresh, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                for (long pageNumber : staged.pageNumbers()) {
                    PageStreamConsumer.writeFully(file, ByteBuffer.wrap(staged.page(pageNumber)),
                            (pageNumber - 1) * PAGE_SIZE);
                }
                file.truncate(databaseSizePages * PAGE_SIZE);
                file.force(true);
            }
            if (databaseSizePages > 0) {
                checkBeforeInstalling(fresh);
            }
            Files.deleteIfExists(wal);
            Files.deleteIfExists(RevertStore.fileOf(database));
            Files.move(fresh, database, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Durability.forceFolder(database);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the pulled database " + database, e);
        }
    }
}
