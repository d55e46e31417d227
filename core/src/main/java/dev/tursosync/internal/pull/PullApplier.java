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
import dev.tursosync.internal.io.AtomicFile;
import dev.tursosync.internal.io.Durability;
import dev.tursosync.internal.io.KillPoints;
import dev.tursosync.internal.io.ReplicaFiles;
import dev.tursosync.internal.rebase.DatabaseFiles;
import dev.tursosync.internal.rebase.JournalStore;
import dev.tursosync.internal.rebase.LocalReplay;
import dev.tursosync.internal.rebase.RebaseJournal;
import dev.tursosync.internal.rebase.RevertStore;
import dev.tursosync.internal.rebase.OpenDatabase;
import dev.tursosync.internal.rebase.SyncCheckpoint;
import dev.tursosync.internal.rebase.SyncedPages;
import dev.tursosync.internal.rebase.SyncedPrefix;
import dev.tursosync.internal.meta.SyncMetadata.WalPrefix;
import dev.tursosync.internal.wal.WalAppend;
import dev.tursosync.internal.sqlite.PageNumberSet;
import dev.tursosync.internal.sqlite.PageSource;
import dev.tursosync.internal.wal.WalFrame;
import dev.tursosync.internal.wal.WalFrames;
import dev.tursosync.internal.wal.WalReader;
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
import reactor.core.publisher.Mono;
import reactor.core.publisher.Signal;
import reactor.core.scheduler.Scheduler;

/**
 * Applies a staged pull while no connection is open (the caller holds the exclusive permit), rebasing the pending
 * local changes on top of it.
 *
 * <p>The synced state is the database file with the synced prefix of the WAL over it, or, when the WAL holds no
 * prefix, with the revert store's pages put back ({@link SyncedPages}); the WAL frames after the prefix are what
 * was written locally since. A pull, in order:
 * <ol>
 *   <li>decodes the change events on the decoding scheduler, from the synced state and the staged pages, which
 *       stay as they are while it runs, as one part of a pipeline whose other part is the steps below, on the
 *       database threads; neither waits for the other, and the apply ends once both have;</li>
 *   <li>reads the pending local changes; if there are any, writes where the WAL ends to the rebase journal (not
 *       the changes: they stay in the change log until a replay that recaptures them commits, and recovery never
 *       replays);</li>
 *   <li>appends one WAL transaction that turns the local state into the remote one: the staged pages, plus the
 *       synced version of every page written locally (after the prefix, or in the revert store) that the remote did
 *       not change, with the remote's size in the commit frame; where it ends is the new synced prefix;</li>
 *   <li>if changes were pending, replays them in a second transaction (capture reinstalled, the transform hook
 *       applied; if a change fails, the WAL is cut back to where it ended, which restores the local state
 *       exactly): its frames follow the prefix, so they are local changes;</li>
 *   <li>once both parts have ended: if decoding failed, the pull is undone like a failed replay.</li>
 * </ol>
 * The caller then waits for the force of the WAL transaction if it is still under way ({@link AppliedPull#walForce}:
 * over no pending change the transaction is appended without a force, which starts at once on the decoding scheduler,
 * alongside the decoding), and records the new revision, generation and prefix in the metadata, which is the pull's
 * point of no return, and calls {@link #finish(AppliedPull)}: the revert store goes (the prefix holds the synced
 * version of each of its pages), the journal goes, and the WAL is folded into the file only once it passed a size.
 * Without pending changes no journal is needed: a torn transaction is ignored by SQLite, and a committed one the
 * metadata does not record is, for the next pull, a local transaction whose pages it writes back. After a crash with a
 * journal, {@link #recover} reads it: if the metadata records the pull, only {@link #finish(AppliedPull)} is redone; if
 * not, without the last transaction's commit in the WAL the pull is undone (the journal's changes are still in the
 * database), and with it the caller records the pull. So no change is lost or applied twice. An empty database gets its
 * first pages through a new file renamed into place instead.
 */
public final class PullApplier {

    private static final int PAGE_SIZE = 4096;

    /**
     * The WAL size past which a pull over no pending change folds the WAL into the file after all: SQLite rebuilds
     * its index from the whole WAL when the connections open again (the apply's own read continues from the last
     * one, {@link WalReader}).
     */
    public static final long FOLD_IN_WAL_BYTES = 8L << 20;

    private final Path database;
    private final Path wal;
    private final WalReader walReader;
    private final Path nextRevert;
    private final EventDecoder decoder;
    private final LocalReplay replay;
    private final JournalStore journals;
    private final Scheduler files;
    private final Scheduler decoding;
    private final long foldInWalBytes;

    /**
     * Creates an applier.
     *
     * @param database the database file
     * @param decoder  computes change events from old and new pages
     * @param replay   replays pending local changes
     * @param files    runs the apply's blocking steps (the connection manager's database threads)
     * @param decoding runs the decoder while the apply writes
     */
    public PullApplier(Path database, EventDecoder decoder, LocalReplay replay, Scheduler files,
                       Scheduler decoding) {
        this(database, decoder, replay, files, decoding, FOLD_IN_WAL_BYTES);
    }

    /**
     * Creates an applier that folds the WAL into the file after a pull over no pending change once it passes a size.
     *
     * @param database       the database file
     * @param decoder        computes change events from old and new pages
     * @param replay         replays pending local changes
     * @param files          runs the apply's blocking steps (the connection manager's database threads)
     * @param decoding       runs the decoder while the apply writes
     * @param foldInWalBytes the WAL size past which such a pull folds the WAL in; 0 folds every time
     */
    public PullApplier(Path database, EventDecoder decoder, LocalReplay replay, Scheduler files, Scheduler decoding,
                       long foldInWalBytes) {
        this(database, decoder, replay, files, decoding, foldInWalBytes,
                new WalReader(DatabaseFiles.walOf(database)));
    }

    /**
     * Creates an applier that reads the WAL through the client's reader, which continues from its last read; the
     * applier tells it of every write of its own to the WAL, so every other writer of the WAL in this process must
     * share it (the client's {@link SyncCheckpoint}).
     *
     * @param database       the database file
     * @param decoder        computes change events from old and new pages
     * @param replay         replays pending local changes
     * @param files          runs the apply's blocking steps (the connection manager's database threads)
     * @param decoding       runs the decoder while the apply writes
     * @param foldInWalBytes the WAL size past which such a pull folds the WAL in; 0 folds every time
     * @param walReader      the client's reader of the database's WAL
     */
    public PullApplier(Path database, EventDecoder decoder, LocalReplay replay, Scheduler files, Scheduler decoding,
                       long foldInWalBytes, WalReader walReader) {
        this.database = database;
        this.wal = DatabaseFiles.walOf(database);
        this.walReader = walReader;
        this.nextRevert = ReplicaFiles.nextRevertStore(database);
        this.decoder = decoder;
        this.replay = replay;
        this.journals = new JournalStore(database);
        this.files = files;
        this.decoding = decoding;
        this.foldInWalBytes = foldInWalBytes;
    }

    /**
     * Applies a staged pull and replays the pending local changes on top, in a window of its own that it closes when
     * the apply has ended. Subscribe only with every connection closed. On success a journal (written when changes
     * were pending) is left in place: wait until the returned pull's WAL transaction is durable
     * ({@link AppliedPull#walForce}), record its revision, generation and synced prefix, then pass it to
     * {@link #finish(AppliedPull)}.
     *
     * @param staged            the staged pages (the caller closes them once the apply has ended)
     * @param revision          the staged revision
     * @param databaseSizePages the database size at the staged revision
     * @param clientId          this client's id
     * @param fromGeneration    the current pull generation
     * @param syncedWal         the synced prefix of the WAL the metadata records, or {@code null}
     * @return the applied pull, with the change events of the remote changes
     */
    public Mono<AppliedPull> apply(StagedPages staged, String revision, long databaseSizePages, String clientId,
                                   long fromGeneration, WalPrefix syncedWal) {
        return Mono.usingWhen(Mono.fromCallable(() -> WindowConnections.unmanaged(database)),
                window -> apply(staged, revision, databaseSizePages, clientId, fromGeneration, syncedWal,
                        Optional.empty(), window)
                        .flatMap(applied -> applied.keeping().map(step -> step.ended().thenReturn(applied))
                                .orElse(Mono.just(applied))),
                window -> Mono.fromRunnable(window::close).subscribeOn(files));
    }

    /**
     * Applies a staged pull in a window of the {@code ConnectionManager}, as one pipeline that ends only once every
     * part of it has: the synced state is read through the window's handle on the database file; the events are
     * decoded on the decoding scheduler while the blocking steps (the WAL transaction, the journal and the replay)
     * run on the database threads, and no thread waits for the other. The replay's connection and the read-only one
     * opened before it stay open in the window (for the manager's pool), so the first connection after the pull
     * does not make SQLite rebuild its WAL index once more. If the events cannot be decoded, the pull is undone once
     * the writes have ended (the window's connections closed, the WAL cut back, the journal dropped), before the
     * caller records anything.
     *
     * @param staged            the staged pages (the caller closes them once the apply has ended)
     * @param revision          the staged revision
     * @param databaseSizePages the database size at the staged revision
     * @param clientId          this client's id
     * @param fromGeneration    the current pull generation
     * @param syncedWal         the synced prefix of the WAL the metadata records, or {@code null}
     * @param pending           the change log (its rows and carried positions), read in this window once every other
     *                          work had ended ({@code ConnectionManager.exclusive(read, work)}); empty to read it here
     * @param window            the window's connections and its read handle on the database file
     * @return the applied pull, with the change events of the remote changes; fails with
     *         {@link ReplayFailedException} if a pending change cannot be replayed, and with
     *         {@link SyncProtocolException} if the staged pages are malformed or cannot be decoded (the pull is then
     *         undone); the window must last until its {@link AppliedPull#keeping()} has ended, and its metadata
     *         record must wait for its {@link AppliedPull#walForce()}
     */
    public Mono<AppliedPull> apply(StagedPages staged, String revision, long databaseSizePages, String clientId,
                                   long fromGeneration, WalPrefix syncedWal, Optional<PendingLog> pending,
                                   WindowConnections window) {
        Target target = new Target(staged, revision, databaseSizePages, clientId, fromGeneration);
        return Mono.defer(() -> DatabaseFiles.isEmpty(database)
                        ? Mono.fromCallable(() -> {
                            // the new file is renamed over the database: no connection may hold the old one
                            window.closeConnections();
                            return intoEmptyDatabase(target);
                        })
                        : Mono.usingWhen(Mono.fromCallable(() -> SyncedBefore.open(database, walReader, syncedWal,
                                        window)),
                                before -> Mono.defer(() -> applyOver(target, before, pending, window)),
                                before -> Mono.fromRunnable(before::close)))
                .subscribeOn(files);
    }

    /** What a pull applies, and from where. */
    private record Target(StagedPages staged, String revision, long sizePages, String clientId,
                          long fromGeneration) {
    }

    /** The state a pull starts from: the WAL as read once, its synced prefix, the revert store, the synced pages. */
    private record SyncedBefore(WalFrames local, int prefix, RevertStore revert, SyncedPages synced)
            implements AutoCloseable {

        static SyncedBefore open(Path database, WalReader wal, WalPrefix syncedWal, WindowConnections window) {
            WalFrames local = wal.read();
            int prefix = SyncedPrefix.framesIn(syncedWal, local);
            RevertStore revert = prefix > 0 ? RevertStore.empty(PAGE_SIZE)
                    : RevertStore.open(RevertStore.fileOf(database), PAGE_SIZE);
            return new SyncedBefore(local, prefix, revert,
                    SyncedPages.open(window.databaseFile(), PAGE_SIZE, revert, local, prefix));
        }

        @Override
        public void close() {
            synced.close();
        }
    }

    /**
     * What the writing part of an apply left: the WAL as it was, the transaction appended, the journal if any, and
     * the force of the transaction and the window's connections being made ready (both under way over no pending
     * change).
     */
    private record Written(WalScan scan, WalAppend appended, WalPrefix next, Optional<RebaseJournal> journal,
                           StartedStep force, Optional<StartedStep> keeping) {

        /** Completes once the steps under way have ended, whatever their outcome. */
        Mono<Void> stepsEnded() {
            return Mono.when(force.ended().onErrorResume(failed -> Mono.empty()),
                    keeping.map(step -> step.ended().onErrorResume(failed -> Mono.empty())).orElse(Mono.empty()));
        }
    }

    /** The first pages of an empty database: checked, decoded, then written into a new file renamed into place. */
    private AppliedPull intoEmptyDatabase(Target target) {
        PageNumberSet remote = PageNumberSet.of(target.staged().pageNumbers());
        PullValidator.check(remote, target.staged()::page, pageNumber -> null, 0, target.sizePages());
        List<ChangeEvent> events = decoder.decode(pageNumber -> null, target.staged()::page, remote);
        replaceEmptyDatabase(target.staged(), target.sizePages());
        return new AppliedPull(target.revision(), target.fromGeneration() + 1, Optional.empty(), null, false,
                events, StartedStep.DONE, Optional.empty());
    }

    /**
     * Over a database with pages: the checks, then the events decoded on the decoding scheduler while the pages are
     * written on the database threads; once both have ended, the outcome ({@link #settle}).
     */
    private Mono<AppliedPull> applyOver(Target target, SyncedBefore before, Optional<PendingLog> pending,
                                        WindowConnections window) {
        PageNumberSet remote = PageNumberSet.of(target.staged().pageNumbers());
        SyncedPages synced = before.synced();
        PullValidator.check(remote, target.staged()::page, synced, synced.sizePages(), target.sizePages());
        PageSource after = pageNumber -> {
            byte[] page = target.staged().page(pageNumber);
            return page != null ? page : synced.page(pageNumber);
        };
        // nothing cancels either part: the files they read stay open until both have ended
        Mono<List<ChangeEvent>> events = Mono.fromCallable(() -> decoder.decode(synced, after, remote))
                .subscribeOn(decoding);
        Mono<Written> written = Mono.fromCallable(() -> write(target, before, remote, pending, window))
                .subscribeOn(files);
        return Mono.zip(events.materialize(), written.materialize())
                .flatMap(ended -> settle(target, ended.getT1(), ended.getT2(), window));
    }

    /**
     * The writing part: reads the pending changes (unless the window read them), then, over none, appends one WAL
     * transaction without forcing it and without a journal, and starts its force on the decoding scheduler (it runs
     * while the events are still decoded; the caller waits for it before the metadata records the pull) and, unless the
     * WAL is to be folded in, the window's connections made ready on the database threads ({@link
     * WindowConnections#keep()}: they need neither the events nor the metadata, and their capture transaction only
     * follows the pull's in the WAL, so a crash before the force drops both or neither): a crash before it commits
     * leaves a torn transaction that SQLite's recovery ignores, one after it commits but before the metadata records
     * the prefix leaves a transaction after the recorded prefix, that is local frames as far as the synced state goes,
     * whose synced versions the next pull writes back like any other local write (docs/sync-client.md, crash safety).
     * Over pending changes: the journal, the same transaction, then the replay on top, whose commit forces both.
     */
    private Written write(Target target, SyncedBefore before, PageNumberSet remote, Optional<PendingLog> pending,
                          WindowConnections window) {
        PendingLog pendingLog = pending.orElseGet(() -> readPendingLog(database));
        WalScan scan = before.local().scan();
        long[] reverted = revertedPages(before.local(), before.prefix(), before.revert(), remote,
                before.synced().sizePages(), target.sizePages());
        Iterator<WalFrame> frames = frames(target.staged(), reverted, before.synced());
        int sizePages = Math.toIntExact(target.sizePages());
        walReader.rewriting(scan);
        if (pendingLog.rows().isEmpty()) {
            // over the window's idle read-only connection if the manager left it open: SQLite's index is then kept
            WalAppend appended = WalWriter.appendTransaction(scan, PAGE_SIZE, frames, sizePages, false);
            if (appended.endOffset() > foldInWalBytes) {
                // the fold-in runs with every connection closed
                window.closeConnections();
            }
            if (!window.indexAppended(appended)) {
                DatabaseFiles.dropSharedMemory(database);
            }
            KillPoints.reached("pull.pages-appended");
            StartedStep force = StartedStep.start(() -> {
                DatabaseFiles.forceWal(database);
                KillPoints.reached("pull.wal-forced");
                return null;
            }, decoding);
            Optional<StartedStep> keeping = appended.endOffset() > foldInWalBytes ? Optional.empty()
                    : Optional.of(StartedStep.start(() -> {
                        window.keep();
                        return null;
                    }, files));
            return new Written(scan, appended, SyncedPrefix.endingAt(wal, appended.lastFrame()), Optional.empty(),
                    force, keeping);
        }
        // the replay's connections open after the append, on an index SQLite rebuilds
        window.closeConnections();
        boolean continues = scan.headerValid();
        // no copy of the pending changes: recovery never replays, it keeps a committed replay or cuts the WAL back
        // to where they are still in the change log
        RebaseJournal journal = new RebaseJournal(RebaseJournal.Phase.PREPARED, target.fromGeneration(),
                target.revision(), target.sizePages(), continues ? scan.committedLength() : 0,
                continues ? scan.lastCommitFrame() : 0, List.of(), CarriedPositions.NONE, true);
        journals.write(journal);
        KillPoints.reached("pull.journal-written");
        // not forced: the replay's commit forces the log (synchronous = FULL), these frames with it
        WalAppend appended = WalWriter.appendTransaction(scan, PAGE_SIZE, frames, sizePages, false);
        DatabaseFiles.dropSharedMemory(database);
        KillPoints.reached("pull.pages-appended");
        WalPrefix next = SyncedPrefix.endingAt(wal, appended.lastFrame());
        replayOrUndo(journal, pendingLog, target.clientId(), window);
        forceUnlessReplayWrote(appended);
        KillPoints.reached("pull.replayed");
        return new Written(scan, appended, next, Optional.of(journal), StartedStep.DONE, Optional.empty());
    }

    /**
     * Once decoding and the writes have both ended: a failed write (a replay it undid already) fails the apply; events
     * that cannot be decoded undo the written pull once the steps it started have ended (its WAL force, the window's
     * connections' open), with the window's connections closed, the WAL cut back to where it ended (which drops
     * the capture transaction of those connections too) and the journal dropped (nothing has touched the database
     * file yet), and fail it as a protocol error, since the pages came from the server; else the applied pull,
     * whose started steps may still run.
     */
    private Mono<AppliedPull> settle(Target target, Signal<List<ChangeEvent>> decoded, Signal<Written> written,
                                     WindowConnections window) {
        if (written.isOnError()) {
            return Mono.error(written.getThrowable());
        }
        Written done = written.get();
        if (decoded.isOnError()) {
            // the undo closes the connections and cuts the WAL back only once the steps under way have ended
            return done.stepsEnded()
                    .then(Mono.<AppliedPull>fromCallable(() -> {
                        throw undone(done, decoded.getThrowable(), window);
                    }).subscribeOn(files));
        }
        long walEnd = done.journal().isPresent() ? walSize() : done.appended().endOffset();
        return Mono.just(new AppliedPull(target.revision(), target.fromGeneration() + 1, done.journal(), done.next(),
                walEnd > foldInWalBytes, decoded.get(), done.force(), done.keeping()));
    }

    /** Undoes a written pull whose events could not be decoded; returns the error the apply fails with. */
    private RuntimeException undone(Written done, Throwable decodingFailure, WindowConnections window) {
        window.closeConnections();
        if (done.journal().isPresent()) {
            undo(done.journal().get());
        } else {
            walReader.forget();
            DatabaseFiles.truncateWal(database, done.scan().headerValid() ? done.scan().committedLength() : 0);
        }
        Throwable failure = notDecoded(decodingFailure);
        if (failure instanceof Error error) {
            throw error;
        }
        return (RuntimeException) failure;
    }

    private static Throwable notDecoded(Throwable failure) {
        return failure instanceof TursoSyncException || failure instanceof Error ? failure
                : new SyncProtocolException("the pulled pages cannot be decoded into change events: "
                        + failure.getMessage() + "; the pull was undone", failure);
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
            finishKeptInWal(pull, Optional.empty());
        } else {
            pull.journal().ifPresent(this::complete);
        }
    }

    /**
     * As {@link #finish(AppliedPull)}, for a pull kept in the WAL (one with a synced prefix) whose fold-in runs on the
     * database as the client keeps it open: the revert store read and written as with every connection closed, the
     * pages read through the kept handle on the file, and SQLite's checkpoint run on the idle connection once the new
     * store is written and forced. Call under the exclusive permit, with no statement or transaction open anywhere.
     *
     * @param pull the pull, kept in the WAL
     * @param open the idle connection and the kept handle on the database file
     * @throws IllegalArgumentException if the pull has no synced prefix (its finish needs every connection closed)
     */
    public void finish(AppliedPull pull, OpenDatabase open) {
        if (pull.syncedWal() == null) {
            throw new IllegalArgumentException("only a pull kept in the WAL is finished on an open database");
        }
        finishKeptInWal(pull, Optional.of(open));
    }

    private void finishKeptInWal(AppliedPull pull, Optional<OpenDatabase> open) {
        keepInWal(pull.syncedWal(), pull.foldIn(), open);
        KillPoints.reached("pull.kept-in-wal");
        pull.journal().ifPresent(journal -> journals.deleteRecorded());
    }

    /**
     * After a pull kept in the WAL is recorded: while the WAL holds its prefix, the revert store goes (every page it
     * held is older than the prefix, which wrote the synced version of each; after a crash that came once a
     * checkpoint had folded the prefix, the store is the checkpoint's and stays); then, past the size, the WAL is
     * folded in by a {@link SyncCheckpoint}, which keeps the synced version of the replayed pages in a new store.
     */
    private void keepInWal(WalPrefix prefix, boolean foldIn, Optional<OpenDatabase> open) {
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
            SyncCheckpoint checkpoint = new SyncCheckpoint(database, PAGE_SIZE, walReader);
            if (open.isPresent()) {
                checkpoint.run(prefix, open.get());
            } else {
                checkpoint.run(prefix);
            }
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
                keepInWal(recordedWal, false, Optional.empty());
                journals.delete();
            } else {
                complete(journal);
            }
            return Optional.empty();
        }
        if (journal.phase() == RebaseJournal.Phase.PREPARED) {
            WalFrames frames = walReader.read();
            int remoteCommit = frames.nextCommit(journal.walFramesBefore());
            boolean replayed = !journal.overPendingChanges() || frames.nextCommit(remoteCommit) != 0;
            if (remoteCommit == 0 || !replayed) {
                undo(journal);
                return Optional.empty();
            }
            return Optional.of(new AppliedPull(journal.revision(), journal.fromGeneration() + 1,
                    Optional.of(journal), SyncedPrefix.endingAt(wal, remoteCommit), false, List.of(),
                    StartedStep.DONE, Optional.empty()));
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
        walReader.forget();
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
        walReader.forget();
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
            walReader.forget();
            Files.deleteIfExists(wal);
            Files.deleteIfExists(RevertStore.fileOf(database));
            Files.move(fresh, database, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Durability.forceFolder(database);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the pulled database " + database, e);
        }
    }
}
