package dev.tursosync.internal.db;

import dev.tursosync.SyncClosedException;
import dev.tursosync.internal.io.ReplicaFiles;
import dev.tursosync.internal.wal.WalIndexWriter;
import dev.tursosync.spi.Lane;
import dev.tursosync.spi.Lease;
import dev.tursosync.spi.StandaloneDatabase;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Signal;
import reactor.core.publisher.SynchronousSink;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Owns every JDBC connection to the database and runs all blocking JDBC work on its own threads, never on the
 * caller's (for example a Netty event loop).
 *
 * <p>Ordinary work ({@link #withConnection}) holds a shared permit. Work that must replace the database underneath
 * SQLite ({@link #exclusive}) waits for the in-flight work to finish, queues new work without blocking threads,
 * closes every connection, runs, and reopens; work that only needs nothing else running (a checkpoint,
 * {@link #exclusiveOnOpen}) gets the same permit and keeps the connections open. A read-only "sentinel" connection
 * stays open whenever connections are and is always closed last: SQLite never checkpoints the WAL when a read-only
 * connection is the last to close, so the write-ahead log survives every close (see the sqlite-lab notes, Q1).
 *
 * <p>It is the {@link dev.tursosync.spi.LocalDatabase} a statement layer leases its connections from
 * ({@code SyncClient.localDatabase()}), and, built without a sync client, a {@link StandaloneDatabase}.
 */
public final class ConnectionManager implements StandaloneDatabase {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionManager.class);

    /** Blocking work on one connection, which must leave it in auto-commit mode. */
    @FunctionalInterface
    public interface SqlWork<T> extends dev.tursosync.spi.SqlWork<T> {
    }

    /** Blocking work with no connection open anywhere in this client. */
    @FunctionalInterface
    public interface ExclusiveWork<T> {
        /**
         * Runs on a database thread while every connection is closed; the database file, its WAL and its shared
         * memory file may be read and written.
         *
         * @return the result
         * @throws Exception any failure, delivered to the subscriber
         */
        T run() throws Exception;
    }

    /** Blocking work under the exclusive permit with the connections left open. */
    @FunctionalInterface
    public interface ExclusiveWorkOnOpen<T> {
        /**
         * Runs on a database thread under the exclusive permit, with every connection left open and idle: no other
         * work runs, and no statement or transaction is open on any connection. The database file must not be opened
         * or closed (that drops SQLite's locks on it): its pages are read through {@code databaseFile}.
         *
         * @param connection   an idle read-write connection of the pool, in auto-commit mode, given back afterwards
         * @param databaseFile a read handle on the database file, closed by the manager after every connection
         * @return the result
         * @throws Exception any failure, delivered to the subscriber
         */
        T run(Connection connection, FileChannel databaseFile) throws Exception;
    }

    /**
     * The work of an exclusive window that starts with no connection open anywhere in this client but the read-only
     * sentinel, which the window holds (it closes it before anything but a WAL append and {@link
     * WindowConnections#indexAppended} touches the files), given what a read made on it just before the others closed,
     * and the window's own connections to open on the state it leaves: a
     * pipeline whose blocking steps run on the manager's {@link #scheduler()} and whose other steps (CPU work, writes
     * of other files) may run elsewhere at the same time. The window, with its permit and its connections, lasts until
     * the pipeline has ended: it must end only once every one of its parts has.
     *
     * @param <R> what the read returns
     * @param <T> the result type
     */
    @FunctionalInterface
    public interface ExclusiveWorkAfterRead<R, T> {
        /**
         * Builds the window's pipeline; called on a database thread while every connection but the window's
         * read-only one is closed, and subscribed there. The database file, its WAL and its shared memory file may be
         * read and written, as for {@link ExclusiveWork#run()}, once the window's connections are closed (the WAL may
         * be appended to, and the index written by hand, over them: {@link WindowConnections#indexAppended}).
         * Connections the pipeline opens through {@code window} and makes ready ({@link WindowConnections#keep()}) go
         * to the manager when it completes; if it fails, they are closed.
         * Nothing cancels it: a subscriber that cancels only stops waiting for its result.
         *
         * @param read   what the read returned, or empty if no connection was open to read on
         * @param window the window's connections and its read handle on the database file
         * @return the pipeline
         */
        Mono<T> run(Optional<R> read, WindowConnections window);
    }

    /** Prepares every read-write connection the manager opens, before any work runs on it. */
    @FunctionalInterface
    public interface ConnectionInitializer {
        /**
         * Runs on a database thread right after a read-write connection is opened.
         *
         * @param connection the new connection
         * @throws SQLException if it cannot be prepared; the connection is then closed
         */
        void initialize(Connection connection) throws SQLException;
    }

    /**
     * Told about every statement the application runs, so that change capture can notice schema changes in the same
     * connection (and transaction) that made them.
     */
    @FunctionalInterface
    public interface StatementObserver {
        /** Observes nothing. */
        StatementObserver NONE = (connection, sql) -> {};

        /**
         * Runs on the database thread right after a statement or a unit of work ran on the connection.
         *
         * @param connection the connection the statement ran on, possibly inside a transaction
         * @param sql        the statement text when the statement layer knows it, else {@code null}
         * @throws SQLException if the capture fails; the caller reports it like a failure of the statement
         */
        void afterStatement(Connection connection, String sql) throws SQLException;

        /**
         * Runs on the database thread right before a statement whose text is known is prepared.
         *
         * @param connection the connection the statement will run on
         * @param sql        the statement text
         * @throws SQLException if preparing the connection fails; the statement is then not run
         */
        default void beforeStatement(Connection connection, String sql) throws SQLException {
        }
    }

    private final Path database;
    private final AccessGate gate = new AccessGate();
    private final ExecutorService executor;
    private final ExecutorService leaseThreads;
    private final Scheduler scheduler;
    /**
     * Idle pooled connections, each lane's last one at its home. Borrowing and giving back run under a shared permit
     * and closing them all under the exclusive one, so they never overlap and the common borrow and give-back take no
     * monitor (lease threads that contend on one are descheduled while holding it on a loaded machine).
     */
    private final IdleConnections idle = new IdleConnections();
    private volatile Connection sentinel;
    /**
     * A read handle on the database file that an exclusive window opened while it left connections open, or that
     * {@link #exclusiveOnOpen} opened: closed only after every connection (closing it earlier would drop SQLite's
     * POSIX locks on the file).
     */
    private FileChannel databaseFile;
    /**
     * A read-write channel on {@code -shm} that a window opened to add its pull to SQLite's WAL index by hand: closed
     * only after every connection, like {@link #databaseFile}.
     */
    private FileChannel sharedMemory;
    private volatile boolean closed;
    /** Set by {@link #refuseWork()}: work fails as after close, but {@link #close()} still has to run. */
    private volatile boolean refusing;
    private volatile ConnectionInitializer initializer = connection -> {};
    private volatile StatementObserver observer = StatementObserver.NONE;

    /**
     * Creates a manager; no connection is opened until the first work.
     *
     * @param database       the database file
     * @param maxConnections how many connections (and database threads) ordinary work may use at once
     */
    public ConnectionManager(Path database, int maxConnections) {
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be at least 1");
        }
        this.database = database;
        AtomicInteger threads = new AtomicInteger();
        // a lock-free queue and threads started up front: work is handed over from Netty event loops, where taking
        // a contended lock (LinkedBlockingQueue's, or the pool's when it adds a thread) parks the loop (BlockHound
        // caught one in a CI run of the R2DBC module)
        ThreadPoolExecutor pool = new ThreadPoolExecutor(maxConnections, maxConnections, 0L, TimeUnit.MILLISECONDS,
                new LinkedTransferQueue<>(), task -> {
                    Thread thread = new Thread(task, "tursosync-db-" + threads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        pool.prestartAllCoreThreads();
        this.executor = pool;
        this.scheduler = Schedulers.fromExecutorService(executor, "tursosync-db");
        AtomicInteger leaseThreadCount = new AtomicInteger();
        this.leaseThreads = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "tursosync-db-lease-" + leaseThreadCount.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * The scheduler whose threads run the database work, for other blocking file work of the client.
     *
     * @return the scheduler
     */
    public Scheduler scheduler() {
        return scheduler;
    }

    /**
     * Sets the initializer for read-write connections opened from now on.
     *
     * @param initializer the initializer
     */
    public void setConnectionInitializer(ConnectionInitializer initializer) {
        this.initializer = java.util.Objects.requireNonNull(initializer, "initializer");
    }

    /**
     * Sets the observer told about statements and units of work.
     *
     * @param observer the observer
     */
    public void setStatementObserver(StatementObserver observer) {
        this.observer = java.util.Objects.requireNonNull(observer, "observer");
    }

    /**
     * Tells the observer that a statement ran; the statement layer calls this on the database thread right after
     * executing each statement, before running the next one on the same connection.
     *
     * @param connection the connection the statement ran on
     * @param sql        the statement text, or {@code null} when unknown
     * @throws SQLException if the observer fails
     */
    @Override
    public void afterStatement(Connection connection, String sql) throws SQLException {
        observer.afterStatement(connection, sql);
    }

    /**
     * Tells the observer a statement is about to be prepared.
     *
     * @param connection the connection the statement will run on
     * @param sql        the statement text
     * @throws SQLException if the observer fails
     */
    @Override
    public void beforeStatement(Connection connection, String sql) throws SQLException {
        observer.beforeStatement(connection, sql);
    }

    /**
     * Runs work on a pooled connection under a shared permit.
     *
     * @param work the work
     * @param <T>  the result type
     * @return the result
     */
    public <T> Mono<T> withConnection(SqlWork<T> work) {
        return whileOpen(runHolding(gate.shared(), () -> runPooled(work)));
    }

    /**
     * Pins one connection and one shared permit until {@link ConnectionLease#release()}, for a statement layer that
     * keeps a cursor or a transaction open across several steps. Lease work runs on database threads of its own (one
     * at a time per lease): a lease waiting for SQLite's write lock then never starves the lease that holds it of a
     * thread. Hold a lease only while a statement, result or transaction is open: a held lease makes
     * {@link #exclusive} work (pulls) wait.
     *
     * @return the lease once the permit is granted and a connection borrowed
     */
    public Mono<ConnectionLease> lease() {
        return leaseOn(lane());
    }

    /**
     * A lane for {@link #lease(Lane)}: one per connection of a statement layer.
     *
     * @return a new lane on the lease threads
     */
    @Override
    public SerialLane lane() {
        return new SerialLane(leaseThreads, idle.newHome());
    }

    /**
     * As {@link #lease()}, with the connection borrowed and all the lease's work run on a given lane. Successive
     * leases of one statement-layer connection on its own lane run without a thread hop between them, and never at
     * the same time.
     *
     * @param lane the lane, used by one statement-layer connection only
     * @return the lease once the permit is granted and a connection borrowed
     */
    @Override
    @SuppressWarnings("unchecked")
    public Mono<Lease> lease(Lane lane) {
        // the lease is a Lease: the cast costs nothing per lease, unlike Mono.cast
        return (Mono<Lease>) (Mono<? extends Lease>) leaseOn(lane);
    }

    /**
     * A lease made for a subscriber that cancels at that moment is released: by the discard hook when Reactor
     * discards it, and by the cancel callback when Reactor drops it (its sink is marked done before the callback
     * runs, and a value that arrives in between is dropped, not discarded). The handoff tells the callback whether a
     * lease was made; release is idempotent.
     */
    private Mono<ConnectionLease> leaseOn(Lane lane) {
        return whileOpen(gate.shared().flatMap(permit -> Mono.<ConnectionLease>create(sink -> {
            AtomicReference<Object> handoff = new AtomicReference<>();
            sink.onCancel(() -> {
                if (handoff.getAndSet(CANCELLED_LEASE) instanceof ConnectionLease made) {
                    made.release().subscribe();
                }
            });
            try {
                lane.execute(() -> {
                    ConnectionLease lease;
                    try {
                        lease = newLease(permit, lane);
                    } catch (Throwable error) {
                        permit.release();
                        sink.error(error);
                        return;
                    }
                    if (handoff.compareAndSet(null, lease)) {
                        sink.success(lease);
                    } else {
                        lease.release().subscribe();
                    }
                });
            } catch (RuntimeException rejected) {
                permit.release();
                sink.error(rejected);
            }
        }).doOnDiscard(ConnectionLease.class, lease -> lease.release().subscribe())));
    }

    /** The handoff of a lease whose subscriber cancelled before it was made. */
    private static final Object CANCELLED_LEASE = new Object();

    /**
     * As {@link #lease(Lane)}, the lease going to a callback: without any subscription when the shared permit is
     * free, for a statement layer that leases once per auto-commit statement. The wait cannot be cancelled; a caller
     * that no longer needs the lease releases it.
     *
     * @param lane the lane, used by one statement-layer connection only
     * @param done called once with the lease (on the lane) or the failure
     */
    @Override
    public void lease(Lane lane, BiConsumer<? super Lease, ? super Throwable> done) {
        if (closed || refusing) {
            done.accept(null, closedError());
            return;
        }
        AccessGate.Permit permit = gate.tryShared();
        if (permit != null) {
            borrowOn(lane, permit, done);
        } else {
            gate.shared().subscribe(granted -> borrowOn(lane, granted, done), error -> done.accept(null, error));
        }
    }

    private void borrowOn(Lane lane, AccessGate.Permit permit, BiConsumer<? super Lease, ? super Throwable> done) {
        try {
            lane.execute(() -> {
                ConnectionLease lease;
                try {
                    lease = newLease(permit, lane);
                } catch (Throwable error) {
                    permit.release();
                    done.accept(null, error);
                    return;
                }
                done.accept(lease, null);
            });
        } catch (RejectedExecutionException rejected) {
            permit.release();
            done.accept(null, closedError());
        }
    }

    /** A lease on a connection borrowed for the lane (its last one when still idle), given back to the lane's home. */
    private ConnectionLease newLease(AccessGate.Permit permit, Lane lane) throws SQLException {
        int home = lane instanceof SerialLane serial ? serial.home() : IdleConnections.NO_HOME;
        return new ConnectionLease(borrow(home), permit, lane, (connection, healthy) -> giveBack(connection, healthy,
                home), this::afterStatement);
    }

    /**
     * Runs work under the exclusive permit with every connection closed; connections reopen on demand afterwards.
     *
     * @param work the work
     * @param <T>  the result type
     * @return the result
     */
    public <T> Mono<T> exclusive(ExclusiveWork<T> work) {
        return whileOpen(runHolding(gate.exclusive(), () -> runExclusive(work)));
    }

    /**
     * Runs work under the exclusive permit with the connections left open: on an idle pooled connection (opened if
     * none is), with a read handle on the database file that stays open until every connection has closed. Work that
     * needs no file replaced underneath SQLite (a checkpoint) then spares the closing of every connection, the WAL
     * index a first connection rebuilds from the whole WAL, and the reopening of the pool afterwards.
     *
     * @param work the work
     * @param <T>  the result type
     * @return the result
     */
    public <T> Mono<T> exclusiveOnOpen(ExclusiveWorkOnOpen<T> work) {
        return whileOpen(runHolding(gate.exclusive(), () -> runOnOpen(work)));
    }

    /**
     * As {@link #exclusive(ExclusiveWork)}, with a read first and the window's connections kept: once the exclusive
     * permit is held (every other work has ended and none can start), {@code read} runs on the read-only sentinel if
     * connections are open, then every connection closes and {@code work} runs with what it read (empty when no
     * connection was open: the work then reads for itself). Nothing can write between the read and the work. Reading
     * here, on a connection that is still open, spares the work a connection of its own: the first connection opened
     * after all have closed makes SQLite rebuild its WAL index from the whole WAL. For the same reason the
     * connections the work leaves ready in its {@link WindowConnections} become the pool's and the sentinel when it
     * ends, before any other work can start. The work is a pipeline: the window (its permit, its connections, its
     * file handle) lasts until the pipeline has ended, and no thread waits for it meanwhile; cancelling the returned
     * {@code Mono} only stops waiting for its result.
     *
     * @param read a read on the read-only sentinel
     * @param work builds the window's pipeline, with every connection closed
     * @param <R>  what the read returns
     * @param <T>  the result type
     * @return the result
     */
    public <R, T> Mono<T> exclusive(SqlWork<R> read, ExclusiveWorkAfterRead<R, T> work) {
        return whileOpen(gate.exclusive().flatMap(granted -> Mono.<T>create(sink -> Mono.fromCallable(() ->
                        openWindow(read))
                .subscribeOn(scheduler)
                .flatMap(opened -> Mono.defer(() -> work.run(opened.read(), opened.window()))
                        .materialize()
                        .publishOn(scheduler)
                        .<T>handle((ended, out) -> endWindow(opened.window(), ended, out)))
                // subscribed here, not by the caller: cancelling stops the wait, never the window's work, and the
                // permit goes back once the window has ended
                .subscribe(sink::success, error -> {
                    sink.error(error);
                    granted.release();
                }, () -> {
                    sink.success();
                    granted.release();
                }))));
    }

    /**
     * Runs a task on a database thread once the permit is granted. The task releases the permit itself when it
     * ends, so a subscriber that cancels cannot let other work in while the task is still running: cancelling only
     * stops waiting for the result.
     */
    private <T> Mono<T> runHolding(Mono<AccessGate.Permit> permit, Callable<T> task) {
        return permit.flatMap(granted -> Mono.<T>create(sink -> {
            try {
                scheduler.schedule(() -> {
                    try {
                        T result = task.call();
                        sink.success(result);
                    } catch (Throwable error) {
                        sink.error(error);
                    } finally {
                        granted.release();
                    }
                });
            } catch (RuntimeException rejected) {
                granted.release();
                sink.error(rejected);
            }
        }));
    }

    /** Fails work submitted after close with the typed error, also when close wins a race with it. */
    private <T> Mono<T> whileOpen(Mono<T> work) {
        return Mono.defer(() -> closed || refusing ? Mono.<T>error(closedError()) : work)
                .onErrorMap(RejectedExecutionException.class, rejected -> closedError());
    }

    private static SyncClosedException closedError() {
        return new SyncClosedException("the sync client is closed");
    }

    /**
     * Takes no more work, from inside exclusive work that leaves the database in a state nothing else may see (a
     * pull that could be neither finished nor undone): later work fails with {@link SyncClosedException} as after
     * {@link #close()}, which still has to run to release the threads.
     */
    public void refuseWork() {
        refusing = true;
    }

    /**
     * Closes every connection (the sentinel last) once in-flight work is done; later work fails with
     * {@link SyncClosedException}.
     *
     * @return completes when closed
     */
    @Override
    public Mono<Void> close() {
        return Mono.defer(() -> closed
                ? Mono.<Void>empty()
                : runHolding(gate.exclusive(), () -> {
                    synchronized (this) {
                        closeAll();
                        closed = true;
                    }
                    return true;
                }).then(Mono.fromRunnable(() -> {
                    scheduler.dispose();
                    leaseThreads.shutdown();
                })));
    }

    private <T> T runPooled(SqlWork<T> work) throws Exception {
        Connection connection = borrow(IdleConnections.NO_HOME);
        boolean healthy = false;
        try {
            // a schema change made on a connection the client does not own is captured before work reads the log
            observer.afterStatement(connection, null);
            T result = work.run(connection);
            observer.afterStatement(connection, null);
            healthy = connection.getAutoCommit();
            return result;
        } finally {
            giveBack(connection, healthy, IdleConnections.NO_HOME);
        }
    }

    private <T> T runExclusive(ExclusiveWork<T> work) throws Exception {
        synchronized (this) {
            ensureOpen();
            closeAll();
        }
        return work.run();
    }

    private <T> T runOnOpen(ExclusiveWorkOnOpen<T> work) throws Exception {
        Connection connection = borrow(IdleConnections.NO_HOME);
        boolean healthy = false;
        try {
            T result = work.run(connection, keptDatabaseFile());
            healthy = connection.getAutoCommit();
            return result;
        } finally {
            giveBack(connection, healthy, IdleConnections.NO_HOME);
        }
    }

    /** The read handle on the database file, opened once connections are (the borrow opened the sentinel). */
    private synchronized FileChannel keptDatabaseFile() throws IOException {
        if (databaseFile == null) {
            databaseFile = FileChannel.open(database, StandardOpenOption.READ);
        }
        return databaseFile;
    }

    /** What a window starts with: the read made on the sentinel, then every connection closed. */
    private record OpenedWindow<R>(Optional<R> read, WindowConnections window) {
    }

    private <R> OpenedWindow<R> openWindow(SqlWork<R> read) throws Exception {
        Optional<R> result = Optional.empty();
        synchronized (this) {
            ensureOpen();
            try {
                if (sentinel != null) {
                    result = Optional.of(read.run(sentinel));
                }
            } catch (Exception | Error e) {
                closeAll();
                throw e;
            }
            return new OpenedWindow<>(result, windowKeepingSentinel());
        }
    }

    /**
     * Closes the pooled connections and hands the read-only sentinel (if open), the handle on the database file and a
     * channel on {@code -shm} to a new window, which keeps SQLite's WAL index across its append when it can; without
     * a sentinel, or if the channel cannot be opened, every connection is closed.
     */
    private WindowConnections windowKeepingSentinel() {
        for (Connection connection : idle.drain()) {
            closeQuietly(connection);
        }
        FileChannel channel = sentinel == null ? null : sharedMemoryChannel();
        if (channel == null) {
            closeAll();
            return new WindowConnections(database, this::openUninitialized, initializer);
        }
        WindowConnections window = new WindowConnections(database, this::openUninitialized, initializer, sentinel,
                databaseFile, channel);
        sentinel = null;
        databaseFile = null;
        sharedMemory = null;
        return window;
    }

    /**
     * The channel on {@code -shm} the last window handed back, or a new one: never one left unreferenced, whose
     * closing (by the garbage collector's cleaner, too) would drop the process's locks on {@code -shm}.
     */
    private FileChannel sharedMemoryChannel() {
        if (sharedMemory == null) {
            try {
                sharedMemory = WalIndexWriter.open(ReplicaFiles.shm(database));
            } catch (IOException | RuntimeException e) {
                LOG.debug("no channel on the WAL index of {}; the window closes every connection", database, e);
            }
        }
        return sharedMemory;
    }

    /** Once the window's work has ended: its connections to the manager, or closed if it failed. */
    private <T> void endWindow(WindowConnections window, Signal<T> ended,
                               SynchronousSink<T> out) {
        if (ended.isOnError()) {
            window.close();
            out.error(ended.getThrowable());
            return;
        }
        adopt(window);
        if (ended.hasValue()) {
            out.next(ended.get());
        }
    }

    /**
     * Takes over the connections a window left ready: the read-write one into the pool, the read-only one as the
     * sentinel, and its file handle, closed after them. A window that made none ready is closed.
     */
    private synchronized void adopt(WindowConnections window) {
        if (!window.kept() || closed || refusing) {
            window.close();
            return;
        }
        sentinel = window.keptReader();
        databaseFile = window.releaseDatabaseFile();
        sharedMemory = window.releaseSharedMemory();
        idle.giveBack(window.keptWriter(), IdleConnections.NO_HOME);
    }

    private Connection borrow(int home) throws SQLException {
        ensureOpen();
        Connection connection = idle.take(home);
        if (connection != null && sentinel != null) {
            return connection;
        }
        synchronized (this) {
            if (connection == null) {
                connection = open(false);
            }
            openSentinel();
            return connection;
        }
    }

    private void giveBack(Connection connection, boolean healthy, int home) {
        if (healthy && !closed) {
            idle.giveBack(connection, home);
            return;
        }
        try {
            if (!connection.getAutoCommit()) {
                connection.rollback();
            }
            connection.close();
        } catch (SQLException e) {
            LOG.warn("closing a connection left in a transaction failed", e);
        }
    }

    private void ensureOpen() {
        if (closed || refusing) {
            throw closedError();
        }
    }

    private void openSentinel() throws SQLException {
        if (sentinel == null) {
            sentinel = open(true);
        }
    }

    /** Closes pooled connections first and the read-only sentinel last, so nothing checkpoints the WAL. */
    private void closeAll() {
        for (Connection connection : idle.drain()) {
            closeQuietly(connection);
        }
        if (sentinel != null) {
            closeQuietly(sentinel);
            sentinel = null;
        }
        WindowConnections.closeFile(databaseFile);
        databaseFile = null;
        WindowConnections.closeFile(sharedMemory);
        sharedMemory = null;
    }

    private Connection open(boolean readOnly) throws SQLException {
        Connection connection = openUninitialized(readOnly);
        if (!readOnly) {
            try {
                initializer.initialize(connection);
            } catch (SQLException | RuntimeException e) {
                closeQuietly(connection);
                throw e;
            }
        }
        return connection;
    }

    private Connection openUninitialized(boolean readOnly) throws SQLException {
        return ReplicaConnections.open(database,
                readOnly ? ReplicaConnections.Role.SENTINEL : ReplicaConnections.Role.CLIENT);
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.warn("closing a database connection failed", e);
        }
    }
}
