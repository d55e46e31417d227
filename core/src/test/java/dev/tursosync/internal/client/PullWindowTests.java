package dev.tursosync.internal.client;

import static dev.tursosync.internal.client.ScriptedClients.WAIT;
import static dev.tursosync.internal.client.ScriptedClients.files;
import static dev.tursosync.internal.client.ScriptedClients.session;
import static dev.tursosync.internal.client.ScriptedClients.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tursosync.ChangeEvent;
import dev.tursosync.MutationResult;
import dev.tursosync.SyncProtocolException;
import dev.tursosync.internal.capture.ChangeCapture;
import dev.tursosync.internal.db.ConnectionManager;
import dev.tursosync.internal.events.ChangeEventDecoder;
import dev.tursosync.internal.meta.MetadataStore;
import dev.tursosync.internal.pull.EventDecoder;
import dev.tursosync.internal.pull.PageStage;
import dev.tursosync.internal.pull.PullApplier;
import dev.tursosync.internal.rebase.JournalStore;
import dev.tursosync.internal.rebase.LocalReplay;
import dev.tursosync.internal.transport.ScriptedTransport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A pull's exclusive window as one pipeline ({@link PullOperation} with the engine's parts wired by hand over a
 * scripted transport, one database thread): what the metadata records when a part of the window fails. A decoding
 * failure undoes the pull before the metadata records anything; a failure to make the window's connections ready
 * while the metadata is written is reported once the write has ended, with the write's own failure if it failed too.
 */
final class PullWindowTests {

    private static final int ROWS = 400;

    @TempDir
    Path folder;

    private Path database;
    private ScriptedClients.TwoRevisions remote;

    @BeforeEach
    void bootstrapped() throws Exception {
        database = folder.resolve("app.db");
        remote = ScriptedClients.TwoRevisions.create(folder, ROWS, 40);
        ScriptedTransport bootstrap = ScriptedTransport.builder().expectPull(null)
                .thenRespond(remote.remote().frames(null, remote.first())).build();
        session(bootstrap, database, builder -> builder, client -> { });
    }

    @Test
    void eventsThatCannotBeDecodedLeaveTheReplicaAndItsMetadataAsBeforeThePullOverNothingPending() throws Exception {
        assertDecodingFailureChangesNothing();
    }

    @Test
    void eventsThatCannotBeDecodedLeaveTheReplicaAndItsMetadataAsBeforeThePullOverAPendingChange() throws Exception {
        session(ScriptedTransport.builder().build(), database, builder -> builder,
                client -> write(client, "INSERT INTO t VALUES (1000, 'local')"));
        assertDecodingFailureChangesNothing();
        Engine engine = new Engine(failingDecoder(), false);
        try {
            assertThat(engine.count("SELECT count(*) FROM t WHERE id = 1000 AND v = 'local'")).isEqualTo(1);
            assertThat(engine.count("SELECT count(*) FROM tursosync_changes")).as("still pending").isEqualTo(1);
        } finally {
            engine.close();
        }
    }

    private void assertDecodingFailureChangesNothing() throws Exception {
        Map<String, String> before = files(database);
        Engine engine = new Engine(failingDecoder(), false);
        try {
            assertThatThrownBy(() -> engine.pull(remote.first(), remote.first(), remote.second()))
                    .isInstanceOf(SyncProtocolException.class).hasMessageContaining("cannot be decoded");
        } finally {
            engine.close();
        }
        assertThat(engine.events).isEmpty();
        assertThat(new JournalStore(database).holdsJournal()).isFalse();
        Map<String, String> after = files(database);
        after.remove("app.db-rebase");
        before.remove("app.db-rebase");
        assertThat(after).as("the database, its WAL and its metadata, byte for byte").isEqualTo(before);
    }

    /** A decoder that fails (the engine runs it once the database thread has run a task queued behind the writes). */
    private static EventDecoder failingDecoder() {
        return (before, after, changed) -> {
            throw new IllegalStateException("a decoder that fails on purpose");
        };
    }

    /**
     * Over nothing pending the metadata is written while the window's connections open: when they cannot be made
     * ready, the pull fails with that error once the write has ended, and the metadata records the pull (its WAL
     * transaction was forced first), so the next connection, opened on demand, sees the remote's rows.
     */
    @Test
    void aWindowWhoseConnectionsCannotBeMadeReadyStillRecordsThePullAndReportsTheFailure() throws Exception {
        Engine engine = new Engine(new ChangeEventDecoder(0.5)::decode, true);
        try {
            assertThatThrownBy(() -> engine.pull(remote.first(), remote.first(), remote.second()))
                    .hasMessageContaining("an initializer that fails on purpose");
            assertThat(new MetadataStore(database).read().orElseThrow().revision()).isEqualTo(remote.second());
            assertThat(engine.count("SELECT count(*) FROM t WHERE v LIKE 'new-%'")).isEqualTo(ROWS / 40);
        } finally {
            engine.close();
        }
        assertThat(engine.events).as("no events for a pull that failed").isEmpty();
    }

    /** When the metadata cannot be written either, both failures are reported, the connections' first. */
    @Test
    void aWindowWhoseConnectionsAndMetadataBothFailReportsBoth() throws Exception {
        Engine engine = new Engine(new ChangeEventDecoder(0.5)::decode, true);
        Path info = new MetadataStore(database).file();
        // after the engine read the metadata: its write is what fails
        try {
            Files.delete(info);
            Files.createDirectory(info);
            Files.writeString(info.resolve("in-the-way"), "a folder where the metadata file was");
            assertThatThrownBy(() -> engine.pull(remote.first(), remote.first(), remote.second()))
                    .hasMessageContaining("an initializer that fails on purpose")
                    .satisfies(failure -> assertThat(Exceptions.unwrap(failure).getSuppressed())
                            .as("the metadata write's failure")
                            .anySatisfy(suppressed -> assertThat(suppressed).hasMessageContaining("app.db-info")));
        } finally {
            engine.close();
        }
    }

    /** The engine's parts for one pull, wired as {@code DefaultSyncClient} wires them, with one database thread. */
    private final class Engine {

        final List<ChangeEvent> events = new CopyOnWriteArrayList<>();
        private final ConnectionManager connections = new ConnectionManager(database, 1);
        private final ChangeCapture capture = new ChangeCapture();
        private final EventDecoder decoder;
        private final AtomicBoolean failInitializer = new AtomicBoolean();
        private final boolean failKeep;
        private final ReplicaMetadata metadata = new ReplicaMetadata(new MetadataStore(database),
                new MetadataStore(database).read().orElseThrow());

        Engine(EventDecoder decoder, boolean failKeep) {
            this.decoder = decoder;
            this.failKeep = failKeep;
            connections.setConnectionInitializer(connection -> {
                if (failInitializer.getAndSet(false)) {
                    throw new SQLException("an initializer that fails on purpose");
                }
                capture.initialize(connection);
            });
            connections.setStatementObserver(capture);
        }

        /** Pulls from {@code from} (as the metadata records it) the reply of {@code from} to {@code to}. */
        List<ChangeEvent> pull(String expected, String from, String to) {
            CountDownLatch queued = new CountDownLatch(1);
            EventDecoder waiting = (before, after, changed) -> {
                connections.scheduler().schedule(queued::countDown);
                awaitSignal(queued);
                return decoder.decode(before, after, changed);
            };
            PullApplier applier = new PullApplier(database, waiting,
                    new LocalReplay(capture, mutation -> MutationResult.keep()), connections.scheduler(),
                    Schedulers.boundedElastic());
            ScriptedTransport transport = ScriptedTransport.builder().expectPull(expected)
                    .thenRespond(remote.remote().frames(from, to)).build();
            OperationTurns turns = new OperationTurns();
            PullOperation operation = new PullOperation(database, Duration.ZERO, transport, connections, applier,
                    new PageStage(connections.scheduler(), 1_000), turns, metadata,
                    new PullRecovery(applier, connections, metadata), events::add);
            failInitializer.set(failKeep);
            return turns.run(operation.run(Mono.never())).block(WAIT);
        }

        long count(String sql) {
            return connections.withConnection(connection -> {
                try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
                    return rows.next() ? rows.getLong(1) : 0;
                }
            }).block(WAIT);
        }

        void close() {
            connections.close().block(WAIT);
        }
    }

    private static void awaitSignal(CountDownLatch signal) {
        try {
            if (!signal.await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                throw new AssertionError("the database thread ran no task queued during the decoding");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
