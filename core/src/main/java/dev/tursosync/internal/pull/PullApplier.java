package dev.tursosync.internal.pull;

import dev.tursosync.ChangeEvent;
import dev.tursosync.ReplayFailedException;
import dev.tursosync.SyncProtocolException;
import dev.tursosync.TursoSyncException;
import dev.tursosync.internal.capture.ChangeLog;
import dev.tursosync.internal.capture.LogRow;
import dev.tursosync.internal.db.ReplicaConnections;
import dev.tursosync.internal.events.ChangeEventDecoder;
import dev.tursosync.internal.io.AtomicFile;
import dev.tursosync.internal.io.Durability;
import dev.tursosync.internal.io.ReplicaFiles;
import dev.tursosync.internal.rebase.DatabaseFiles;
import dev.tursosync.internal.rebase.JournalStore;
import dev.tursosync.internal.rebase.LocalReplay;
import dev.tursosync.internal.rebase.RebaseJournal;
import dev.tursosync.internal.rebase.RevertStore;
import dev.tursosync.internal.rebase.SyncedPages;
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
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * Applies a staged pull while no connection is open (the caller holds the exclusive permit), rebasing the pending
 * local changes on top of it.
 *
 * <p>The database file plus the revert store is the synced state; the WAL holds what was written locally since.
 * A pull, in order:
 * <ol>
 *   <li>starts decoding the change events on another thread, from the synced state and the staged pages, which
 *       stay as they are until the checkpoint;</li>
 *   <li>reads the pending local changes and writes them, with where the WAL ends, to the rebase journal;</li>
 *   <li>appends one WAL transaction that turns the local state into the remote one: the staged pages, plus the
 *       synced version of every page written locally (in the WAL or the revert store) that the remote did not
 *       change, with the remote's size in the commit frame;</li>
 *   <li>if changes were pending, replays them in a second transaction (capture reinstalled, the transform hook
 *       applied; if a change fails, the WAL is cut back to where it ended, which restores the local state
 *       exactly) and writes the revert store of the new synced state (the remote's versions of the pages the
 *       replay wrote) to {@code <db>-revert.next};</li>
 *   <li>waits for the events; if decoding failed, the pull is undone like a failed replay.</li>
 * </ol>
 * The caller then records the new revision and generation in the metadata, which is the pull's point of no return,
 * and calls {@link #finish(AppliedPull)}: the new revert store replaces the old one (without pending changes the file alone
 * becomes the synced state, so the store goes), a {@code TRUNCATE} checkpoint folds the WAL into the file, and the
 * journal goes. After a crash, {@link #recover(long)} reads the journal: if the metadata records the pull, only
 * {@link #finish(AppliedPull)} is redone; if not, without the last transaction's commit in the WAL the pull is undone (the
 * journal's changes are still in the database), and with it the revert store is written and the caller records
 * the pull. So no change is lost or applied twice. An empty database gets its first pages through a new file
 * renamed into place instead.
 */
public final class PullApplier {

    private static final int PAGE_SIZE = 4096;

    private final Path database;
    private final Path wal;
    private final Path nextRevert;
    private final ChangeEventDecoder decoder;
    private final LocalReplay replay;
    private final JournalStore journals;
    private final Executor decodeExecutor;

    /**
     * Creates an applier.
     *
     * @param database       the database file
     * @param decoder        computes change events from old and new pages
     * @param replay         replays pending local changes
     * @param decodeExecutor runs the decoder while the apply writes (never interrupt its threads)
     */
    public PullApplier(Path database, ChangeEventDecoder decoder, LocalReplay replay, Executor decodeExecutor) {
        this.database = database;
        this.wal = DatabaseFiles.walOf(database);
        this.nextRevert = ReplicaFiles.nextRevertStore(database);
        this.decoder = decoder;
        this.replay = replay;
        this.journals = new JournalStore(database);
        this.decodeExecutor = decodeExecutor;
    }

    /**
     * Applies a staged pull and replays the pending local changes on top. Call only with every connection closed.
     * On success the journal is left in place: record the returned pull's revision and generation, then pass it to
     * {@link #finish(AppliedPull)}.
     *
     * @param staged            the staged pages (the caller closes them)
     * @param revision          the staged revision
     * @param databaseSizePages the database size at the staged revision
     * @param clientId          this client's id
     * @param fromGeneration    the current pull generation
     * @return the applied pull, with the change events of the remote changes
     * @throws ReplayFailedException if a pending change cannot be replayed; the pull is then undone
     * @throws SyncProtocolException  if the staged pages are malformed; nothing is written then
     */
    public AppliedPull apply(StagedPages staged, String revision, long databaseSizePages, String clientId,
                             long fromGeneration) {
        if (DatabaseFiles.isEmpty(database)) {
            PullValidator.check(PageNumberSet.of(staged.pageNumbers()), staged::page, pageNumber -> null, 0,
                    databaseSizePages);
            List<ChangeEvent> events = decoder.decode(pageNumber -> null, staged::page,
                    PageNumberSet.of(staged.pageNumbers()));
            replaceEmptyDatabase(staged, databaseSizePages);
            return new AppliedPull(revision, fromGeneration + 1, Optional.empty(), events);
        }
        RevertStore revert = RevertStore.open(RevertStore.fileOf(database), PAGE_SIZE);
        try (SyncedPages synced = SyncedPages.open(database, PAGE_SIZE, revert)) {
            PageNumberSet remote = PageNumberSet.of(staged.pageNumbers());
            PullValidator.check(remote, staged::page, synced, synced.sizePages(), databaseSizePages);
            PageSource after = pageNumber -> {
                byte[] page = staged.page(pageNumber);
                return page != null ? page : synced.page(pageNumber);
            };
            EventDecoding decoding = EventDecoding.start(() -> decoder.decode(synced, after, remote),
                    decodeExecutor);
            try {
                List<LogRow> pending = readPendingRows();
                WalFrames local = WalFrames.read(wal);
                WalScan scan = local.scan();
                boolean continues = scan.headerValid();
                RebaseJournal journal = new RebaseJournal(RebaseJournal.Phase.PREPARED, fromGeneration, revision,
                        databaseSizePages, continues ? scan.committedLength() : 0,
                        continues ? scan.lastCommitFrame() : 0, pending);
                long[] reverted = revertedPages(local, revert, remote, synced.sizePages(), databaseSizePages);
                journals.write(journal);
                WalWriter.appendTransaction(scan, PAGE_SIZE, frames(staged, reverted, synced),
                        Math.toIntExact(databaseSizePages));
                DatabaseFiles.dropSharedMemory(database);
                if (!pending.isEmpty()) {
                    replayOrUndo(journal, clientId);
                    writeNextRevert(journal, WalFrames.read(wal));
                }
                return AppliedPull.of(journal, decodedOrUndo(decoding, journal));
            } finally {
                decoding.awaitQuietly();
            }
        }
    }

    /**
     * The events, once decoded. If decoding failed, the pull is undone (the journal is still in its prepared
     * phase, so nothing has touched the database file yet) and the failure is thrown, as a protocol error: the
     * pages came from the server.
     */
    private List<ChangeEvent> decodedOrUndo(EventDecoding decoding, RebaseJournal journal) {
        try {
            return decoding.await();
        } catch (RuntimeException e) {
            undo(journal);
            throw e instanceof TursoSyncException ? e
                    : new SyncProtocolException("the pulled pages cannot be decoded into change events: "
                            + e.getMessage() + "; the pull was undone", e);
        }
    }

    /**
     * Whether an interrupted pull waits for {@link #recover(long)}.
     *
     * @return whether the rebase journal exists
     */
    public boolean hasJournal() {
        return journals.exists();
    }

    /**
     * Ends a pull once the metadata records its revision and generation: installs the new revert store, folds the
     * WAL into the file, and deletes the journal. A crash before the journal is gone makes {@link #recover} redo
     * this (each step is idempotent).
     *
     * @param pull the pull {@link #apply} or {@link #recover} handed back
     */
    public void finish(AppliedPull pull) {
        pull.journal().ifPresent(this::complete);
    }

    /** The steps after the metadata: the revert store, the checkpoint, then the journal goes. */
    private void complete(RebaseJournal journal) {
        installAndCheckpoint(journal);
        journals.delete();
    }

    /**
     * Finishes or undoes a pull that a crash interrupted. Call with every connection closed, before anything else.
     *
     * @param recordedGeneration the pull generation the metadata records now
     * @return a pull that committed but is not recorded yet (record its revision and generation, then pass it to
     *         {@link #finish(AppliedPull)}), or empty if there was none, it was undone, or the metadata already
     *         recorded it (then it is finished here)
     */
    public Optional<AppliedPull> recover(long recordedGeneration) {
        Optional<RebaseJournal> found = journals.read();
        if (found.isEmpty()) {
            return Optional.empty();
        }
        RebaseJournal journal = found.get();
        if (recordedGeneration == journal.fromGeneration() + 1) {
            complete(journal);
            return Optional.empty();
        }
        if (journal.phase() == RebaseJournal.Phase.PREPARED) {
            WalFrames frames = WalFrames.read(wal);
            int remoteCommit = frames.nextCommit(journal.walFramesBefore());
            boolean replayed = journal.changes().isEmpty() || frames.nextCommit(remoteCommit) != 0;
            if (remoteCommit == 0 || !replayed) {
                undo(journal);
                return Optional.empty();
            }
            if (!journal.changes().isEmpty()) {
                writeNextRevert(journal, frames);
            }
        }
        return Optional.of(AppliedPull.of(journal, List.of()));
    }

    /**
     * The pages whose synced version goes into the remote transaction: every page written locally (in the WAL or,
     * folded by a checkpoint, in the revert store) that the remote did not send, within the new size. Such a page
     * existed in the synced state, since the remote sends every page it added.
     */
    private static long[] revertedPages(WalFrames localFrames, RevertStore revert, PageNumberSet remote,
                                        long syncedSize, long newSize) {
        PageNumberSet local = new PageNumberSet();
        for (int frame = 1; frame <= localFrames.count(); frame++) {
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
     * The second transaction: capture and the pending changes on top of the remote pages. A failure cuts the WAL
     * back, which drops the remote pages too and leaves the local state as it was.
     */
    private void replayOrUndo(RebaseJournal journal, String clientId) {
        RuntimeException failure = null;
        try {
            Connection connection = ReplicaConnections.open(database, ReplicaConnections.Role.NO_CHECKPOINT_WRITER);
            Connection guard = null;
            try {
                guard = ReplicaConnections.open(database, ReplicaConnections.Role.NO_CHECKPOINT_GUARD);
                connection.setAutoCommit(false);
                try {
                    replay.replay(connection, clientId, journal.fromGeneration(), journal.revision(),
                            journal.changes().stream().map(LogRow::toChange).toList());
                    connection.commit();
                } catch (SQLException | RuntimeException e) {
                    connection.rollback();
                    failure = e instanceof RuntimeException runtime ? runtime
                            : new TursoSyncException("replaying the local changes failed: " + e.getMessage(), e);
                }
            } finally {
                connection.close();
                if (guard != null) {
                    guard.close();
                }
            }
        } catch (SQLException e) {
            failure = new TursoSyncException("cannot open the database to replay the local changes", e);
        }
        if (failure != null) {
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
        try {
            Files.deleteIfExists(nextRevert);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        journals.delete();
    }

    /**
     * Writes the revert store of the new synced state to {@code <db>-revert.next}, from the WAL the pull left: the
     * remote's version of each page the replay wrote (from the remote transaction's frames, or the file for pages
     * it did not touch), so the checkpoint that follows keeps the new synced state recoverable.
     *
     * @param frames the frames of the WAL the pull left, read once after the replay committed
     */
    private void writeNextRevert(RebaseJournal journal, WalFrames frames) {
        int remoteCommit = frames.nextCommit(journal.walFramesBefore());
        int replayCommit = journal.changes().isEmpty() ? 0 : frames.nextCommit(remoteCommit);
        long size = journal.databaseSizePages();
        Map<Integer, Integer> remoteFrames = new HashMap<>();
        for (int frame = journal.walFramesBefore() + 1; frame <= remoteCommit; frame++) {
            remoteFrames.put(frames.pageNumber(frame), frame);
        }
        PageNumberSet replayed = new PageNumberSet();
        for (int frame = remoteCommit + 1; frame <= replayCommit; frame++) {
            replayed.add(frames.pageNumber(frame));
        }
        for (long page = replayCommit == 0 ? size + 1 : frames.commitSize(replayCommit) + 1L; page <= size;
             page++) {
            replayed.add(page);
        }
        Map<Integer, byte[]> synced = new HashMap<>();
        try (FileChannel log = FileChannel.open(wal, StandardOpenOption.READ);
             FileChannel file = FileChannel.open(database, StandardOpenOption.READ)) {
            PageSource filePages = PageSource.ofFile(file, PAGE_SIZE);
            for (long page : replayed.toSortedArray()) {
                if (page > size) {
                    continue;
                }
                Integer frame = remoteFrames.get((int) page);
                byte[] image = frame != null ? frames.page(log, frame) : filePages.page(page);
                if (image != null) {
                    synced.put((int) page, image);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the pages of the pulled state", e);
        }
        RevertStore.writeNew(nextRevert, PAGE_SIZE, size, synced);
    }

    /**
     * Makes the revert store that of the new synced state, then folds the WAL into the file. Without replayed
     * changes the file alone is the new synced state, so the store goes; with them the store written by
     * {@link #writeNextRevert} replaces it (unless a crash came after it already did).
     */
    private void installAndCheckpoint(RebaseJournal journal) {
        try {
            if (journal.changes().isEmpty()) {
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

    private List<LogRow> readPendingRows() {
        try (Connection connection = ReplicaConnections.open(database, ReplicaConnections.Role.READ_ONLY)) {
            return ChangeLog.readRows(connection);
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
