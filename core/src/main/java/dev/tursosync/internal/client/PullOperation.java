package dev.tursosync.internal.client;

import dev.tursosync.ChangeEvent;
import dev.tursosync.internal.capture.PendingLog;
import dev.tursosync.internal.db.ConnectionManager;
import dev.tursosync.internal.db.WindowConnections;
import dev.tursosync.internal.io.KillPoints;
import dev.tursosync.internal.io.ReplicaFiles;
import dev.tursosync.internal.meta.SyncMetadata;
import dev.tursosync.internal.proto.PullUpdatesReqProtoBody;
import dev.tursosync.internal.pull.AppliedPull;
import dev.tursosync.internal.pull.PageStage;
import dev.tursosync.internal.pull.PullApplier;
import dev.tursosync.internal.pull.PullValidator;
import dev.tursosync.internal.pull.StagedPages;
import dev.tursosync.internal.pull.StartedStep;
import dev.tursosync.internal.rebase.OpenDatabase;
import dev.tursosync.internal.rebase.SyncedPages;
import dev.tursosync.internal.transport.PullFrame;
import dev.tursosync.internal.transport.PulledPage;
import dev.tursosync.internal.transport.SyncTransport;
import dev.tursosync.internal.transport.ThrownErrors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * One pull, top to bottom (docs/architecture.md, the life of a pull): recover what an earlier pull left, then, with
 * the pull's stage as the one resource it holds, fetch and stage the pages, then apply them in the exclusive window,
 * record the new revision through {@link ReplicaMetadata} and finish. The stage is released (its file deleted) when
 * the pull completes, fails or is cancelled; a cancelled pull releases it once its apply, which runs to its end, has
 * ended.
 */
final class PullOperation {

    private static final Logger LOG = LoggerFactory.getLogger(PullOperation.class);

    private final Path database;
    private final Duration longPollTimeout;
    private final SyncTransport transport;
    private final ConnectionManager connections;
    private final PullApplier applier;
    private final PageStage stager;
    private final OperationTurns turns;
    private final ReplicaMetadata metadata;
    private final PullRecovery recovery;
    private final Consumer<ChangeEvent> changes;
    private final AtomicLong stageCount = new AtomicLong();

    PullOperation(Path database, Duration longPollTimeout, SyncTransport transport, ConnectionManager connections,
                  PullApplier applier, PageStage stager, OperationTurns turns, ReplicaMetadata metadata,
                  PullRecovery recovery, Consumer<ChangeEvent> changes) {
        this.database = database;
        this.longPollTimeout = longPollTimeout;
        this.transport = transport;
        this.connections = connections;
        this.applier = applier;
        this.stager = stager;
        this.turns = turns;
        this.metadata = metadata;
        this.recovery = recovery;
        this.changes = changes;
    }

    /**
     * Runs the pull; call inside the operation's turn.
     *
     * @param interrupt ends the pull with no events, applying nothing, if it signals before the server's reply starts
     * @return the change events of the remote changes
     */
    Mono<List<ChangeEvent>> run(Mono<?> interrupt) {
        return recovery.recover()
                .then(Mono.usingWhen(
                        Mono.fromSupplier(() -> stager.open(ReplicaFiles.pullStage(database,
                                stageCount.incrementAndGet()))),
                        stage -> fetch(stage, interrupt).flatMap(this::apply),
                        stager::release,
                        (stage, error) -> stager.release(stage),
                        stage -> turns.detachedStepsEnded().then(stager.release(stage))))
                .defaultIfEmpty(List.of());
    }

    /** Fetches the pages into the stage; empty when the interrupt came first. */
    private Mono<PageStage.Staged> fetch(PageStage.Stage stage, Mono<?> interrupt) {
        Sinks.One<Boolean> replyStarted = Sinks.one();
        Flux<PullFrame> frames = ThrownErrors.signalled(transport.pullUpdates(request(metadata.current())))
                .doOnNext(frame -> replyStarted.tryEmitValue(Boolean.TRUE));
        return stager.write(frames, stage)
                .takeUntilOther(beforeReply(interrupt, replyStarted.asMono()))
                .switchIfEmpty(Mono.fromRunnable(() -> LOG.debug("a pull waiting for the server made way for a push")));
    }

    /**
     * What makes a pull give way: {@code interrupt} while the server has not started its reply (a long poll it
     * holds), never after. A pull whose pages are streaming goes on and the push waits for it, so pushes that come
     * due more often than a large pull takes never starve it.
     *
     * @param interrupt    signals when a push is due
     * @param replyStarted signals with the reply's first frame
     * @return signals at most once, never completes without signalling
     */
    static Flux<Object> beforeReply(Mono<?> interrupt, Mono<Boolean> replyStarted) {
        return interrupt.<Object>map(signal -> signal).takeUntilOther(replyStarted).flux().concatWith(Flux.never());
    }

    /**
     * Applies what was staged, as a step that runs to its end even if the pull's subscriber cancels: a pull without
     * pages records its revision, one with pages is applied in the exclusive window, which ends with capture
     * installed.
     */
    private Mono<List<ChangeEvent>> apply(PageStage.Staged staged) {
        if (staged.pageCount() == 0) {
            return turns.detach(onDatabase(() -> recordUnchanged(staged)));
        }
        return turns.detach(connections.exclusive(PendingLog::read,
                        (log, window) -> applyInWindow(staged, log, window))
                .flatMap(this::afterWindow)
                .doOnNext(events -> events.forEach(changes)));
    }

    private List<ChangeEvent> recordUnchanged(PageStage.Staged staged) {
        PullValidator.checkEmpty(SyncedPages.sizePages(database, PulledPage.PAGE_SIZE,
                        metadata.current().syncedWal()),
                staged.header().databaseSizePages(), staged.header().revision());
        metadata.record(current -> current.pulled(staged.header().revision(), Instant.now()));
        return List.of();
    }

    /**
     * The exclusive window, as one pipeline that ends once every part of it has (the window, with its permit and its
     * connections, lasts until then): over nothing pending, when the change log has handed out ids, the next pull
     * generation first ({@link PendingLog#idsStartAgain()}: the pages drop the log, and a crash before the metadata
     * records the pull must not leave the new log's ids, which start again from 1, in a generation the remote has
     * pushes of); then the apply (pages and replay, with the events decoded alongside); over pending changes the window
     * then ends with the replay's connection made ready for the pool, its replay committed and forced, and the record
     * and the finish come after it ({@link #afterWindow}); else the WAL transaction made durable and the metadata with
     * the new synced prefix (the point of no return), then the finish (revert store deleted, the WAL folded in only
     * past a size), and the window's connections made ready for the pool: the replay's, or new ones that install
     * capture on the remote's pages (a connection does it when it opens, and at once rather than on the first local
     * work: capture installed on a database it has not seen takes every table for the remote's, so a table another
     * connection created in between would never be pushed); over nothing pending, with the pages kept in the WAL, the
     * apply starts the WAL's force and the connections' open as soon as it appended its transaction, while the events
     * are still decoded, and the metadata is written once the force and the decoding have ended, while the connections
     * may still open ({@link #recordWhileKeeping}). Then the events on {@code changes()} (here, so that a subscriber
     * who cancels meanwhile does not lose them for the others), once the window and, over pending changes, the record
     * after it have ended. A fold-in of the WAL in the window needs the window's connections closed, so they close
     * before it (over pending changes, the fold-in has an exclusive window of its own on the open connections,
     * {@link #afterWindow}). An apply that fails half-way is recovered in
     * the same window, with the window's connections closed, before any other work can see the database.
     */
    private Mono<WindowEnded> applyInWindow(PageStage.Staged staged, Optional<PendingLog> read,
                                            WindowConnections window) {
        return onDatabase(() -> pendingLog(read))
                .flatMap(log -> applyStaged(staged, log, window))
                .flatMap(applied -> recordsAfterWindow(applied)
                        ? onDatabase(() -> {
                            window.keep();
                            return new WindowEnded(applied, false);
                        })
                        : recordAndKeep(applied, window).thenReturn(new WindowEnded(applied, true)));
    }

    /** What the window left: the applied pull, and whether the window recorded it already. */
    private record WindowEnded(AppliedPull pull, boolean recorded) {
    }

    /**
     * Whether the pull is recorded after its window: a pull over pending changes, whose replay has committed and
     * forced the WAL (both transactions) before the window ends, so that every local write after the window follows a
     * durable replay, which recovery keeps, never cuts back (docs/sync-client.md, crash safety).
     */
    private static boolean recordsAfterWindow(AppliedPull applied) {
        return applied.journal().isPresent() && applied.syncedWal() != null && applied.keeping().isEmpty();
    }

    /**
     * After the window, for a pull over pending changes (writers run again meanwhile): the metadata with the new
     * revision, generation and synced prefix (the point of no return), then the finish: the revert store and the
     * journal deleted, which need no exclusive permit (nothing SQLite reads), or, with a WAL past the fold-in size,
     * the finish in an exclusive window of its own ({@link ConnectionManager#exclusiveOnOpen}): SQLite's checkpoint
     * needs no statement or transaction open anywhere, and it runs on an idle pooled connection, whose WAL index is
     * current, with the pages read through the manager's kept handle on the file, so that no connection closes, none
     * rebuilds the WAL index from the whole WAL and none reopens afterwards. A crash
     * before the record leaves a journal whose replay committed and reached the disk before any later local write
     * could start: recovery records the pull with the prefix that ends at the remote transaction, and the later
     * local writes stay where they are, after the replay.
     */
    private Mono<List<ChangeEvent>> afterWindow(WindowEnded ended) {
        AppliedPull applied = ended.pull();
        if (ended.recorded()) {
            return Mono.just(applied.events());
        }
        Mono<Boolean> recorded = onDatabase(() -> {
            KillPoints.reached("pull.window-ended");
            record(applied);
            return true;
        });
        Mono<Boolean> finished = applied.foldIn()
                ? connections.exclusiveOnOpen((connection, databaseFile) -> {
                    applier.finish(applied, new OpenDatabase(connection, databaseFile));
                    return true;
                })
                : onDatabase(() -> {
                    applier.finish(applied);
                    return true;
                });
        return recorded.then(finished).thenReturn(applied.events());
    }

    /** The pending changes (read on the sentinel, or here), with the next generation recorded first if needed. */
    private PendingLog pendingLog(Optional<PendingLog> read) {
        PendingLog log = read.orElseGet(() -> PullApplier.readPendingLog(database));
        if (log.idsStartAgain()) {
            metadata.record(SyncMetadata::nextGeneration);
            KillPoints.reached("pull.generation-moved-on");
        }
        return log;
    }

    /** The staged pages applied; once the apply has ended, the stage is closed, or the failure recovered. */
    private Mono<AppliedPull> applyStaged(PageStage.Staged staged, PendingLog pending, WindowConnections window) {
        SyncMetadata current = metadata.current();
        return Mono.usingWhen(onDatabase(staged::open),
                        pages -> applier.apply(pages, staged.header().revision(), staged.header().databaseSizePages(),
                                current.clientId(), current.pullGeneration(), current.syncedWal(),
                                Optional.of(pending), window),
                        pages -> Mono.fromRunnable(pages::close))
                .onErrorResume(RuntimeException.class, failure -> onDatabase(() -> {
                    window.close();
                    throw recovery.afterFailedApply(failure);
                }));
    }

    /**
     * The pull recorded and the window's connections kept: over nothing pending, with the pages kept in the WAL, at
     * the same time ({@link #recordWhileKeeping}); else one after the other, on the database threads.
     */
    private Mono<Void> recordAndKeep(AppliedPull applied, WindowConnections window) {
        if (applied.keeping().isPresent()) {
            return recordWhileKeeping(applied, applied.keeping().get(), window);
        }
        return applied.walForce().ended().then(onDatabase(() -> {
            recordAndFinish(applied, window);
            window.keep();
            return true;
        })).then();
    }

    /**
     * Once the WAL transaction is durable ({@link AppliedPull#walForce()} has ended): the metadata with the new
     * revision, generation and synced prefix (the point of no return), then the finish.
     */
    private void recordAndFinish(AppliedPull applied, WindowConnections window) {
        record(applied);
        if (applied.foldIn()) {
            window.close();
        }
        applier.finish(applied);
    }

    /** The metadata with the pull's revision, generation and synced prefix: the point of no return. */
    private void record(AppliedPull applied) {
        metadata.record(current -> current.rebased(applied.revision(), applied.nextGeneration(),
                applied.syncedWal(), Instant.now()));
        KillPoints.reached("pull.recorded");
    }

    /**
     * A pull over nothing pending that keeps its pages in the WAL: once the force of the WAL transaction, which the
     * apply started as soon as it was appended, has ended, the metadata is written and forced (and the finish deletes
     * a revert store), while a database thread goes on opening the window's connections and installing capture on
     * the remote's pages ({@code connectionsKept}, which the apply also started once it had appended the transaction,
     * while the events were decoded). Neither waits on the other: the
     * force happens before the metadata records the prefix, the connections only add a transaction after the pull's
     * frames (a crash before the force may keep any part of both, and SQLite's recovery, which follows the checksum
     * chain, drops a torn pull and everything after it), and the metadata file is not the database's. A crash in
     * between leaves what a crash after the recording or before it leaves (docs/sync-client.md, crash safety): a
     * capture install after a recorded prefix, or one after a committed pull the metadata does not record yet, which
     * is a local transaction for the next pull like the pull's own, with an empty change log. The window ends once
     * both have: if the connections cannot be made ready, that failure is reported, with the record's if it failed too.
     * The record runs on the thread that ended the later of the force and the apply, with no hop to another: the
     * force's or the decoding's {@code boundedElastic} thread, or the database thread of the apply's writing part, all
     * of which allow blocking work (never a Netty event loop). On a database thread it holds that one while
     * {@code keep()} runs on another, or, with a single database thread, before {@code keep()}, which waits in the
     * queue: neither waits for the other to end, so neither holds a thread the other needs.
     */
    private Mono<Void> recordWhileKeeping(AppliedPull applied, StartedStep connectionsKept,
                                          WindowConnections window) {
        Mono<Boolean> recorded = applied.walForce().ended().then(Mono.fromCallable(() -> {
            recordAndFinish(applied, window);
            return true;
        }));
        Mono<Boolean> kept = connectionsKept.ended().thenReturn(true);
        return Mono.zip(kept.materialize(), recorded.materialize())
                .handle((ended, out) -> {
                    Throwable keeping = ended.getT1().getThrowable();
                    Throwable recording = ended.getT2().getThrowable();
                    if (keeping != null && recording != null) {
                        keeping.addSuppressed(recording);
                    }
                    if (keeping != null || recording != null) {
                        out.error(keeping != null ? keeping : recording);
                    }
                })
                .then();
    }

    /** Blocking work on the connection manager's database threads. */
    private <T> Mono<T> onDatabase(Callable<T> work) {
        return Mono.fromCallable(work).subscribeOn(connections.scheduler());
    }

    private PullUpdatesReqProtoBody request(SyncMetadata current) {
        PullUpdatesReqProtoBody.Builder request = PullUpdatesReqProtoBody.newBuilder();
        if (current.revision() != null) {
            request.setClientRevision(current.revision());
            request.setLongPollTimeoutMs((int) longPollTimeout.toMillis());
        }
        return request.build();
    }

    /**
     * Installs change capture on the database at once (a client connection does it when it opens), rather than on
     * the first local work: capture installed on a database it has not seen takes every table for the remote's, so
     * a table another connection created in between would never be pushed. Once capture is installed, such a table
     * is detected and pushed with its rows. Nothing to do while the database is still missing (no bootstrap).
     *
     * @param database    the replica
     * @param connections its connections
     * @return completes once installed
     */
    static Mono<Void> installCapture(Path database, ConnectionManager connections) {
        return Mono.defer(() -> !Files.exists(database) ? Mono.<Void>empty()
                : connections.withConnection(connection -> true).then());
    }
}
