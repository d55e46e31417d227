package dev.tursosync.internal.client;

import dev.tursosync.AutoSyncOptions;
import dev.tursosync.ChangeEvent;
import dev.tursosync.OperationResult;
import dev.tursosync.PushResult;
import dev.tursosync.SyncResult;
import dev.tursosync.SyncClient;
import dev.tursosync.SyncClosedException;
import dev.tursosync.SyncMetadataException;
import dev.tursosync.SyncState;
import dev.tursosync.SyncStats;
import dev.tursosync.SyncStatus;
import dev.tursosync.internal.capture.CaptureNames;
import dev.tursosync.internal.capture.ChangeCapture;
import dev.tursosync.internal.capture.ChangeLog;
import dev.tursosync.internal.db.ClientDataSource;
import dev.tursosync.internal.db.ConnectionManager;
import dev.tursosync.internal.events.ChangeEventDecoder;
import dev.tursosync.internal.io.Durability;
import dev.tursosync.internal.io.KillPoints;
import dev.tursosync.internal.io.ReplicaFiles;
import dev.tursosync.internal.meta.MetadataStore;
import dev.tursosync.internal.meta.SyncMetadata;
import dev.tursosync.internal.proto.PullUpdatesReqProtoBody;
import dev.tursosync.internal.pull.PageStage;
import dev.tursosync.internal.pull.PullApplier;
import dev.tursosync.internal.pull.SnapshotFileWriter;
import dev.tursosync.internal.rebase.DatabaseFiles;
import dev.tursosync.internal.rebase.LocalReplay;
import dev.tursosync.internal.rebase.RevertStore;
import dev.tursosync.internal.rebase.SyncCheckpoint;
import dev.tursosync.internal.push.LogicalPusher;
import dev.tursosync.internal.sql.RowStatements;
import dev.tursosync.spi.LocalDatabase;
import dev.tursosync.internal.sqlite.PageSource;
import dev.tursosync.internal.sqlite.SchemaEntry;
import dev.tursosync.internal.sqlite.SchemaReader;
import dev.tursosync.internal.transport.PulledPage;
import dev.tursosync.internal.transport.RemoteUrl;
import dev.tursosync.internal.transport.SyncTransport;
import dev.tursosync.internal.transport.ThrownErrors;
import dev.tursosync.internal.transport.TransportOptions;
import dev.tursosync.internal.wal.WalReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteCommitListener;
import org.sqlite.SQLiteConnection;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * The sync client: bootstrap, resume, physical pull with change events, capture and push of local changes.
 *
 * <p>Files next to the database {@code <db>} are listed in docs/sync-client.md: the metadata {@code <db>-info},
 * SQLite's {@code <db>-wal} (whose synced prefix the metadata records), the revert store {@code <db>-revert} (and
 * {@code <db>-revert.next} while a pull of an older version finishes), the rebase journal {@code <db>-rebase}, the owner lock {@code <db>-lock}, the staged pages of a large
 * pull {@code <db>-changes-N} (one file per pull: a pull cancelled while it applies goes on to the end on a database
 * thread, and the next pull must not overwrite its pages meanwhile), a bootstrap being written and installed
 * ({@code <db>.bootstrap.part}, {@code <db>.bootstrap}) and the first pages of an empty replica ({@code <db>.pulled}).
 *
 * <p>This class keeps the lifecycle (open, bootstrap, close), the status and the retries; each operation is a
 * pipeline of its own: {@link PullOperation} (fetch, apply, record, finish), {@link PushOperation}, and
 * {@link PullRecovery}, which {@link #open()} and every operation run first to finish or undo a pull that a crash
 * interrupted, so a crash at any point leaves the old state or the new one, with metadata that agrees. Every
 * metadata change of an open client goes through {@link ReplicaMetadata}.
 */
public final class DefaultSyncClient implements SyncClient {

    private static final Logger LOG = LoggerFactory.getLogger(DefaultSyncClient.class);

    private final SyncClientOptions options;
    private final TransportOptions transportOptions;
    private final Path database;
    private final Path bootstrapFile;
    private final MetadataStore store;
    private final Sinks.Many<ChangeEvent> changes = Sinks.many().multicast().directBestEffort();
    private final AtomicReference<State> state = new AtomicReference<>();
    private final Mono<Void> opening;
    private final StatusTracker status = new StatusTracker();
    private final OperationResults operationResults = new OperationResults(() -> {
        State current = state.get();
        return current == null ? null : current.transport().stats();
    });
    private final TransientRetry retry;
    private final Disposable.Composite backgroundSyncs = Disposables.composite();
    private final Sinks.Many<Boolean> localCommits = Sinks.many().multicast().directBestEffort();
    /** Signalled by close(): stops an open() in progress (a bootstrap). */
    private final Sinks.Empty<Void> closing = Sinks.empty();
    private final AtomicBoolean openStarted = new AtomicBoolean();
    /** Completes when what a cancelled open() held (connections, transport, the replica's lock) is released. */
    private final AtomicReference<Mono<Void>> cancelledOpen = new AtomicReference<>(Mono.empty());
    private volatile boolean closed;

    /** Everything that exists while the client is open. */
    private record State(SyncTransport transport, ConnectionManager connections, ReplicaMetadata metadata,
                         PullRecovery recovery, PullOperation pull, PushOperation push, SyncCheckpoint checkpointer,
                         OperationTurns turns, AutoCheckpoint autoCheckpoint, ReplicaLock lock) {
    }

    /**
     * Creates a client; nothing is opened yet.
     *
     * @param options the validated configuration
     */
    public DefaultSyncClient(SyncClientOptions options) {
        this.options = options;
        this.transportOptions = options.transportOptions();
        this.database = options.path();
        this.bootstrapFile = ReplicaFiles.bootstrap(database);
        this.store = new MetadataStore(database);
        this.retry = new TransientRetry(options.retry(), status);
        this.opening = Mono.defer(this::doOpen)
                .onErrorMap(error -> TypedErrors.typed(error, database))
                .thenReturn(Boolean.TRUE)
                .takeUntilOther(closing.asMono())
                .onErrorMap(error -> closed && !(error instanceof SyncClosedException), error -> {
                    LOG.debug("an error reached the open after close() stopped it", error);
                    return closedWhileOpening();
                })
                .switchIfEmpty(Mono.error(DefaultSyncClient::closedWhileOpening))
                .then()
                .cache();
    }

    /**
     * What an open that {@link #close()} stopped ends with. Also for an error that reaches the open while the close
     * stops it: {@code takeUntilOther} cancels the open before it completes, and the close's own release of the
     * database threads can fail a step of the open on another thread in between ("Scheduler unavailable").
     */
    private static SyncClosedException closedWhileOpening() {
        return new SyncClosedException("the sync client was closed while opening");
    }

    /**
     * The configuration this client was built with.
     *
     * @return the options
     */
    public SyncClientOptions options() {
        return options;
    }

    /** Tells background sync about local commits; called by SQLite on the committing thread. */
    private final SQLiteCommitListener commitSignal = new SQLiteCommitListener() {
        @Override
        public void onCommit() {
            synchronized (localCommits) {
                localCommits.tryEmitNext(Boolean.TRUE);
            }
        }

        @Override
        public void onRollback() {
        }
    };


    @Override
    public Mono<Void> open() {
        return opening;
    }

    @Override
    public String clientId() {
        State current = state.get();
        if (current == null) {
            throw new SyncClosedException("the sync client is not open");
        }
        return current.metadata().current().clientId();
    }

    /**
     * The connection manager, for the R2DBC facade and tests.
     *
     * @return the manager of the open client
     */
    public ConnectionManager connections() {
        return requireOpen().connections();
    }

    @Override
    public LocalDatabase localDatabase() {
        return connections();
    }

    @Override
    public DataSource dataSource() {
        return new ClientDataSource(this::connections);
    }

    @Override
    public Flux<ChangeEvent> pullChanges() {
        return pullEvents(Mono.never()).flatMapIterable(events -> events);
    }

    /** A pull, retried; it ends with no events, applying nothing, if {@code interrupt} signals while it fetches. */
    private Mono<List<ChangeEvent>> pullEvents(Mono<?> interrupt) {
        return operation(SyncState.PULLING, current -> current.pull().run(interrupt),
                (current, events) -> status.pulled(current.metadata().current().lastPull()))
                .transform(operationResults.timed(OperationResult.Operation.PULL));
    }

    @Override
    public Mono<PushResult> push() {
        return operation(SyncState.PUSHING, current -> current.push().run(),
                (current, result) -> status.pushed(current.metadata().current().lastPush()))
                .transform(operationResults.timed(OperationResult.Operation.PUSH));
    }

    @Override
    public Mono<Void> checkpoint() {
        return operation(SyncState.CHECKPOINTING, current -> checkpoint(current).thenReturn(true),
                (current, done) -> status.succeeded())
                .transform(operationResults.timed(OperationResult.Operation.CHECKPOINT))
                .then();
    }

    /**
     * One client operation: run alone (pulls, pushes and checkpoints take turns), tried again as a whole after a
     * transient failure, and reported on the status stream.
     */
    private <T> Mono<T> operation(SyncState state, Function<State, Mono<T>> work, BiConsumer<State, T> onSuccess) {
        return Mono.fromSupplier(this::requireOpen)
                .flatMap(current -> current.turns().run(Mono.defer(() -> {
                    status.begin(state);
                    return work.apply(current);
                })).doOnNext(result -> onSuccess.accept(current, result)))
                .onErrorMap(error -> TypedErrors.typed(error, database))
                .retryWhen(retry.forOperation(state.name().toLowerCase(Locale.ROOT)))
                .doOnError(status::failed)
                .doOnCancel(status::stopped);
    }

    private Mono<Void> checkpoint(State current) {
        return current.recovery().recover()
                .then(current.connections().exclusive(() -> checkpointNow(current)))
                .doOnNext(saved -> LOG.debug("checkpoint of {}: {} page(s) added to the revert store", database,
                        saved))
                .then();
    }

    /**
     * The checkpoint, in the exclusive window; once it folded a synced prefix into the file, the metadata records
     * that there is none (a prefix the WAL no longer holds counts as none anyway, so a crash before is harmless).
     */
    private static int checkpointNow(State current) {
        SyncMetadata.WalPrefix prefix = current.metadata().current().syncedWal();
        int saved = current.checkpointer().run(prefix);
        if (prefix != null) {
            current.metadata().record(SyncMetadata::folded);
            KillPoints.reached("checkpoint.recorded");
        }
        return saved;
    }

    @Override
    public Mono<SyncResult> sync() {
        return push().flatMap(pushed -> pullChanges().collectList()
                .map(events -> new SyncResult(pushed, events)));
    }

    @Override
    public Disposable autoSync(AutoSyncOptions autoSyncOptions) {
        Objects.requireNonNull(autoSyncOptions, "options");
        State current = requireOpen();
        AutoSync background = new AutoSync(new AutoSyncOperations(current), autoSyncOptions,
                options.longPollTimeout(), localCommits.asFlux(),
                status, new Backoff(autoSyncOptions.firstBackoff(), autoSyncOptions.maxBackoff(),
                autoSyncOptions.jitter()));
        LOG.info("background sync of {} starts: {}", database, autoSyncOptions);
        Disposable running = background.run().subscribe(done -> { },
                error -> LOG.error("background sync of {} stopped", database, error));
        backgroundSyncs.add(running);
        return running;
    }

    /** What background sync drives: the client's own operations, with their retries and status. */
    private final class AutoSyncOperations implements AutoSync.Operations {

        private final State current;

        AutoSyncOperations(State current) {
            this.current = current;
        }

        @Override
        public Mono<AutoSync.PullOutcome> pull(Mono<?> interrupt) {
            AtomicBoolean interrupted = new AtomicBoolean();
            return pullEvents(interrupt.doOnNext(signal -> interrupted.set(true)))
                    .map(events -> interrupted.get() ? AutoSync.PullOutcome.INTERRUPTED
                            : events.isEmpty() ? AutoSync.PullOutcome.UNCHANGED : AutoSync.PullOutcome.CHANGED);
        }

        @Override
        public Mono<Void> push() {
            return DefaultSyncClient.this.push().then();
        }

        @Override
        public Mono<Long> pendingChanges() {
            return Mono.fromSupplier(DefaultSyncClient.this::requireOpen)
                    .flatMap(open -> open.connections().withConnection(ChangeLog::pendingCount));
        }

        @Override
        public void checkpointIfLarge() {
            current.autoCheckpoint().afterWork();
        }
    }

    @Override
    public Flux<SyncStatus> status() {
        return status.flux();
    }

    @Override
    public Flux<OperationResult> operations() {
        return operationResults.flux();
    }

    @Override
    public Flux<ChangeEvent> changes() {
        return changes.asFlux();
    }

    @Override
    public Mono<SyncStats> stats() {
        return Mono.fromSupplier(this::requireOpen)
                .flatMap(current -> Mono.fromSupplier(() -> current).publishOn(current.connections().scheduler()))
                .flatMap(current -> current.connections().withConnection(ChangeLog::pendingCount)
                        .map(pending -> {
                            SyncMetadata metadata = current.metadata().current();
                            return new SyncStats(metadata.revision(), current.transport().stats().bytesSent(),
                                    current.transport().stats().bytesReceived(), sizeOf(database),
                                    sizeOf(ReplicaFiles.wal(database)), RevertStore.sizeOf(database), metadata.lastPull(),
                                    metadata.lastPush(), pending);
                        }))
                .onErrorMap(error -> TypedErrors.typed(error, database));
    }

    @Override
    public Mono<Void> close() {
        return Mono.defer(() -> {
            closed = true;
            closing.tryEmitEmpty();
            Mono<Void> opened = openStarted.get() ? opening.onErrorResume(error -> Mono.empty()) : Mono.empty();
            return opened.then(Mono.defer(this::closeOpened));
        });
    }

    private Mono<Void> closeOpened() {
        return Mono.defer(() -> {
            State current = state.getAndSet(null);
            if (current == null) {
                return cancelledOpen.get().onErrorResume(error -> Mono.empty()).doOnTerminate(() -> {
                    status.closed();
                    changes.tryEmitComplete();
                    operationResults.complete();
                });
            }
            backgroundSyncs.dispose();
            return current.turns().run(current.connections().close().thenReturn(true))
                    .then(current.transport().close())
                    .onErrorResume(error -> Mono.<Void>fromRunnable(current.lock()::close).then(Mono.error(error)))
                    .then(Mono.<Void>fromRunnable(current.lock()::close))
                    .doOnTerminate(() -> {
                        changes.tryEmitComplete();
                        operationResults.complete();
                        status.closed();
                        LOG.debug("closed {}", database);
                    });
        });
    }

    private State requireOpen() {
        State current = state.get();
        if (current == null) {
            throw new SyncClosedException("the sync client is not open: subscribe to open() first");
        }
        return current;
    }

    // ---- open -------------------------------------------------------------------------------------------

    private Mono<Void> doOpen() {
        openStarted.set(true);
        if (closed) {
            return Mono.error(new SyncClosedException("the sync client is closed"));
        }
        SyncTransport transport = options.transports().create(transportOptions);
        ConnectionManager connections = new ConnectionManager(database, options.maxConnections());
        ChangeCapture capture = new ChangeCapture();
        AutoCheckpoint autoCheckpoint = new AutoCheckpoint(DatabaseFiles.walOf(database),
                options.autoCheckpointWalBytes(), this::checkpoint);
        connections.setConnectionInitializer(connection -> {
            capture.initialize(connection);
            connection.unwrap(SQLiteConnection.class).addCommitListener(commitSignal);
            connection.unwrap(SQLiteConnection.class).addCommitListener(autoCheckpoint.watch(connection));
        });
        connections.setStatementObserver(new ConnectionManager.StatementObserver() {
            @Override
            public void beforeStatement(Connection connection, String sql) throws SQLException {
                capture.beforeStatement(connection, sql);
            }

            @Override
            public void afterStatement(Connection connection, String sql) throws SQLException {
                capture.afterStatement(connection, sql);
                if (!RowStatements.isQuery(sql)) {
                    autoCheckpoint.afterStatement(connection);
                }
            }
        });
        AtomicReference<ReplicaLock> lock = new AtomicReference<>();
        return Mono.fromCallable(() -> {
                    lock.set(ReplicaLock.acquire(database));
                    return inspect();
                })
                .subscribeOn(connections.scheduler())
                .flatMap(found -> found.map(Mono::just).orElseGet(() -> start(transport, connections)))
                .flatMap(metadata -> {
                    if (closed) {
                        return Mono.error(closedWhileOpening());
                    }
                    State opened = opened(transport, connections, capture, autoCheckpoint, metadata, lock.get());
                    state.set(opened);
                    return opened.recovery().recover().then(PullOperation.installCapture(database, connections))
                            .doOnSuccess(done -> status.opened(opened.metadata().current().lastPull(),
                                    opened.metadata().current().lastPush()));
                })
                .onErrorResume(error -> {
                    state.set(null);
                    return connections.close().then(transport.close())
                            .onErrorResume(closing -> Mono.empty())
                            .then(release(lock)).then(Mono.error(error));
                })
                .doOnCancel(() -> {
                    // close() stopped the open: the bootstrap's file is closed by its writer; release the rest
                    state.set(null);
                    Mono<Void> cleanup = connections.close().then(transport.close())
                            .doOnError(error -> LOG.debug("closing after a cancelled open", error))
                            .onErrorResume(error -> Mono.empty())
                            .then(release(lock))
                            .cache();
                    cancelledOpen.set(cleanup);
                    cleanup.subscribe(done -> { }, error -> LOG.debug("releasing after a cancelled open", error));
                });
    }

    /** The open client's parts, wired once. */
    private State opened(SyncTransport transport, ConnectionManager connections, ChangeCapture capture,
                         AutoCheckpoint autoCheckpoint, SyncMetadata metadata, ReplicaLock lock) {
        ReplicaMetadata recorded = new ReplicaMetadata(store, metadata);
        OperationTurns turns = new OperationTurns();
        // a pull's events are decoded, and its WAL forced, while its apply writes, on Reactor's shared threads for
        // blocking work
        // one reader of the WAL for the client's lifetime, shared by everything of the client that writes the WAL
        WalReader walReader = new WalReader(DatabaseFiles.walOf(database));
        PullApplier applier = new PullApplier(database, new ChangeEventDecoder(options.resetShare())::decode,
                new LocalReplay(capture, options.transform()), connections.scheduler(), Schedulers.boundedElastic(),
                PullApplier.FOLD_IN_WAL_BYTES, walReader);
        PullRecovery recovery = new PullRecovery(applier, connections, recorded);
        PageStage stager = new PageStage(connections.scheduler(),
                (int) Math.min(Integer.MAX_VALUE, options.pullMemoryBytes() / PulledPage.PAGE_SIZE));
        PullOperation pull = new PullOperation(database, options.longPollTimeout(), transport, connections, applier,
                stager, turns, recorded, recovery, changes::tryEmitNext);
        PushOperation push = new PushOperation(new LogicalPusher(transport, connections, options.transform(),
                options.pushBatchSize()), connections, turns, recorded, recovery);
        return new State(transport, connections, recorded, recovery, pull, push,
                new SyncCheckpoint(database, PulledPage.PAGE_SIZE, walReader), turns, autoCheckpoint, lock);
    }

    /** Gives up the replica's lock once nothing of a failed or cancelled open touches the files any more. */
    private static Mono<Void> release(AtomicReference<ReplicaLock> lock) {
        return Mono.fromRunnable(() -> {
            ReplicaLock held = lock.getAndSet(null);
            if (held != null) {
                held.close();
            }
        });
    }

    /**
     * Looks at the files: existing metadata (finishing an interrupted bootstrap), or nothing, or a database
     * without metadata, which is refused.
     *
     * @return the metadata to resume from, or empty when the replica has to be created
     */
    private Optional<SyncMetadata> inspect() throws IOException {
        deleteLeftoverStages();
        SyncMetadata metadata = store.read().orElse(null);
        boolean databaseExists = Files.exists(database) && Files.size(database) > 0;
        if (metadata == null) {
            if (databaseExists) {
                throw new SyncMetadataException("the database " + database + " exists but its sync metadata "
                        + store.file() + " is missing; refusing to bootstrap over it. A database written before "
                        + "open() (by plain JDBC or a migration tool) is not a replica: move it away, open the client "
                        + "(which bootstraps the replica) and write or migrate through the client's connections "
                        + "(client.dataSource(), see docs/migrations.md)", null);
            }
            return Optional.empty();
        }
        if (!Files.exists(database)) {
            if (Files.exists(bootstrapFile)) {
                installBootstrap();
            } else if (metadata.revision() != null) {
                throw new SyncMetadataException("the sync metadata " + store.file() + " describes revision "
                        + metadata.revision() + " but the database " + database + " is missing", null);
            }
        }
        String url = RemoteUrl.parse(options.url()).toString();
        if (metadata.configuration() != null && !url.equals(metadata.configuration().url())) {
            LOG.warn("the replica {} was last synced with another URL; continuing with the configured one",
                    database);
        }
        return Optional.of(metadata);
    }

    private Mono<SyncMetadata> start(SyncTransport transport, ConnectionManager connections) {
        SyncMetadata fresh = new SyncMetadata(SyncMetadata.CURRENT_VERSION,
                options.clientName() + "-" + UUID.randomUUID(), null, null, null, null,
                new SyncMetadata.SavedConfiguration(RemoteUrl.parse(options.url()).toString(),
                        options.clientName()), 0, null);
        if (!options.bootstrapIfEmpty()) {
            return Mono.fromCallable(() -> {
                store.write(fresh);
                return fresh;
            }).subscribeOn(connections.scheduler());
        }
        return new SnapshotFileWriter(connections.scheduler())
                .write(ThrownErrors.signalled(transport.pullUpdates(PullUpdatesReqProtoBody.getDefaultInstance())),
                        bootstrapFile)
                .retryWhen(retry.forOperation("bootstrap"))
                .publishOn(connections.scheduler())
                .map(snapshot -> {
                    KillPoints.reached("bootstrap.streamed");
                    SyncMetadata bootstrapped = fresh.pulled(snapshot.header().revision(), Instant.now());
                    store.write(bootstrapped);
                    KillPoints.reached("bootstrap.recorded");
                    installBootstrap();
                    KillPoints.reached("bootstrap.installed");
                    LOG.info("bootstrapped {} at revision {} ({} pages)", database,
                            snapshot.header().revision(), snapshot.pageCount());
                    resetEvents().forEach(changes::tryEmitNext);
                    return bootstrapped;
                });
    }

    /** Moves a complete, durable bootstrap file into place (it is durable before the metadata names it). */
    private void installBootstrap() {
        try {
            Files.move(bootstrapFile, database, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Durability.forceFolder(database);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot install the bootstrapped database " + database, e);
        }
    }

    /** A RESET event per user table of the database file; read before any connection is open. */
    private List<ChangeEvent> resetEvents() {
        List<ChangeEvent> events = new ArrayList<>();
        if (sizeOf(database) == 0) {
            return events;
        }
        try (FileChannel file = FileChannel.open(database, StandardOpenOption.READ)) {
            for (SchemaEntry entry : SchemaReader.read(PageSource.ofFile(file))) {
                if (entry.isTable() && entry.rootPage() > 0 && !CaptureNames.isInternal(entry.name())) {
                    events.add(ChangeEvent.reset(entry.name()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return events;
    }

    /** Deletes the staged pulls a stopped process left behind; nothing reads them (a journal does not need them). */
    private void deleteLeftoverStages() throws IOException {
        try (Stream<Path> siblings = Files.list(database.toAbsolutePath().getParent())) {
            siblings.filter(file -> ReplicaFiles.isPullStage(database, file)).forEach(PageStage::delete);
        }
    }

    private static long sizeOf(Path file) {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0;
        }
    }
}
