package dev.tursosync.internal.client;

import static dev.tursosync.internal.client.ScriptedClients.WAIT;
import static dev.tursosync.internal.client.ScriptedClients.files;
import static dev.tursosync.internal.client.ScriptedClients.queryLong;
import static dev.tursosync.internal.client.ScriptedClients.session;
import static dev.tursosync.internal.client.ScriptedClients.stageFiles;
import static dev.tursosync.internal.client.ScriptedClients.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tursosync.internal.db.DatabaseLocks;
import dev.tursosync.internal.rebase.JournalStore;
import dev.tursosync.internal.rebase.SyncedImage;
import dev.tursosync.ChangeEvent;
import dev.tursosync.ChangeOperation;
import dev.tursosync.Mutation;
import dev.tursosync.MutationResult;
import dev.tursosync.PushResult;
import dev.tursosync.SyncProtocolException;
import dev.tursosync.SyncTransportException;
import dev.tursosync.TursoSyncException;
import dev.tursosync.internal.transport.PipelineMatchers;
import dev.tursosync.internal.transport.PullFrame;
import dev.tursosync.internal.transport.ScriptedTransport;
import dev.tursosync.internal.transport.SqliteRemote;
import dev.tursosync.internal.transport.TransportFailures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * Pulls that go wrong half-way, on a scripted transport: a reply cut after some pages, a malformed reply, a reply
 * cancelled while it streams. The remote is a real SQLite file; its revisions become the pages the script sends.
 */
final class ScriptedPullTests {

    private static final int ROWS = 400;

    @TempDir
    Path folder;

    private Path database;
    private SqliteRemote remote;
    private String first;
    private String second;

    @BeforeEach
    void remote() {
        database = folder.resolve("app.db");
        remote = SqliteRemote.create(folder.resolve("remote.db"),
                "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT NOT NULL)",
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " + ROWS + ") "
                        + "INSERT INTO t SELECT i, printf('old-%060d', i) FROM n");
        first = remote.commitRevision();
        remote.run("UPDATE t SET v = printf('new-%060d', id) WHERE id % 40 = 0");
        second = remote.commitRevision();
    }

    private ScriptedTransport bootstrapOnly() {
        return ScriptedTransport.builder().expectPull(null).thenRespond(remote.frames(null, first)).build();
    }

    @Test
    void aPullCutAfterSomePagesLeavesTheReplicaByteForByteIntactAndItsChangesPushable() throws Exception {
        session(bootstrapOnly(), database, builder -> builder,
                client -> write(client, "INSERT INTO t VALUES (1000, 'local')"));
        Map<String, String> before = files(database);
        List<PullFrame> reply = remote.frames(first, second);
        assertThat(SqliteRemote.pageCount(reply)).as("a reply of several pages").isGreaterThan(3);

        ScriptedTransport cut = ScriptedTransport.builder()
                .expectPull(first).thenFailAfter(reply, 2, TransportFailures.connectionReset("/pull-updates"))
                .build();
        session(cut, database, builder -> builder, client -> {
            assertThatThrownBy(() -> client.pullChanges().collectList().block(WAIT))
                    .isInstanceOf(SyncTransportException.class);
            assertThat(stageFiles(database)).isEmpty();
            assertThat(queryLong(client, "SELECT count(*) FROM t WHERE v LIKE 'new-%'")).isZero();
            assertThat(client.stats().block(WAIT).pendingChanges()).isEqualTo(1);
        });
        cut.verify();
        assertThat(files(database)).as("the replica's files, byte for byte").isEqualTo(before);

        ScriptedTransport push = ScriptedTransport.builder()
                .expectPipeline(PipelineMatchers.readsPushPosition()).thenAnswer(remote::execute)
                .expectPipeline(PipelineMatchers.pushBatch(null, 1, 1)).thenAnswer(remote::execute)
                .build();
        AtomicReference<PushResult> pushed = new AtomicReference<>();
        session(push, database, builder -> builder, client -> pushed.set(client.push().block(WAIT)));
        push.verify();
        assertThat(pushed.get().changesPushed()).isEqualTo(1);
        assertThat(remote.queryLong("SELECT count(*) FROM t WHERE id = 1000 AND v = 'local'")).isEqualTo(1);
    }

    /**
     * An error thrown inside the transport's pipeline instead of signalled (a JVM-fatal one, which Reactor rethrows;
     * BlockHound's {@code BlockingOperationError} on an event loop took the same way out in a CI run) ends the pull
     * with a typed error: nothing waits forever, the stage is released, the files are intact, the next pull applies
     * and {@code close()} completes.
     */
    @Test
    void anErrorThrownInsideThePullStreamEndsThePullTypedAndCloseCompletes() throws Exception {
        session(bootstrapOnly(), database, builder -> builder, client -> { });
        Map<String, String> before = files(database);
        List<PullFrame> reply = remote.frames(first, second);
        OutOfMemoryError thrown = new OutOfMemoryError("thrown by the test inside the pull stream");

        ScriptedTransport transport = ScriptedTransport.builder()
                .expectPull(first).thenThrowAfter(reply, 2, thrown)
                .expectPull(first).thenRespond(reply)
                .build();
        DefaultSyncClient client = ScriptedClients.client(transport, database, builder -> builder);
        client.open().block(WAIT);
        assertThatThrownBy(() -> client.pullChanges().collectList().block(WAIT))
                .isInstanceOf(TursoSyncException.class)
                .hasRootCause(thrown);
        assertThat(stageFiles(database)).isEmpty();
        assertThat(queryLong(client, "SELECT count(*) FROM t WHERE v LIKE 'new-%'")).isZero();

        assertThat(client.pullChanges().collectList().block(WAIT)).hasSize(ROWS / 40);
        client.close().block(WAIT);
        transport.verify();
        assertThat(transport.isClosed()).isTrue();
        assertThat(files(database)).as("changed by the second pull only").isNotEqualTo(before);
        assertThat(SyncedImage.of(database)).as("the synced state is the remote").isEqualTo(remote.bytes(second));
    }

    @Test
    void theFirstPullIntoAnEmptyReplicaCutMidStreamLeavesItEmptyAndTheNextOneInstallsTheRemote() throws Exception {
        List<PullFrame> snapshot = remote.frames(null, second);
        ScriptedTransport transport = ScriptedTransport.builder()
                .expectPull(null).thenFailAfter(snapshot, 3, TransportFailures.connectionReset("/pull-updates"))
                .expectPull(null).thenRespond(snapshot)
                .build();

        session(transport, database, builder -> builder.bootstrapIfEmpty(false), client -> {
            assertThat(transport.played()).as("open without bootstrap asks nothing").isEmpty();
            assertThatThrownBy(() -> client.pullChanges().collectList().block(WAIT))
                    .isInstanceOf(SyncTransportException.class);
            assertThat(folder.resolve("app.db.pulled")).doesNotExist();
            assertThat(client.stats().block(WAIT).revision()).isNull();

            client.pullChanges().collectList().block(WAIT);
            assertThat(queryLong(client, "SELECT count(*) FROM t WHERE v LIKE 'new-%'")).isEqualTo(ROWS / 40);
            assertThat(client.stats().block(WAIT).revision()).isEqualTo(second);
        });
        transport.verify();
        assertThat(files(database)).doesNotContainKey("app.db.pulled");
        assertThat(SyncedImage.of(database)).as("the synced state is the remote").isEqualTo(remote.bytes(second));
    }

    @Test
    void aMalformedPageIsRefusedWithATypedErrorAndTheNextPullApplies() throws Exception {
        session(bootstrapOnly(), database, builder -> builder, client -> { });
        Map<String, String> before = files(database);
        List<PullFrame> reply = remote.frames(first, second);

        ScriptedTransport transport = ScriptedTransport.builder()
                .expectPull(first).thenRespond(TransportFailures.withGarbagePage(reply, 1))
                .build();
        session(transport, database, builder -> builder, client ->
                assertThatThrownBy(() -> client.pullChanges().collectList().block(WAIT))
                        .isInstanceOf(SyncProtocolException.class)
                        .isInstanceOf(TursoSyncException.class));
        transport.verify();
        assertThat(files(database)).as("the replica's files, byte for byte").isEqualTo(before);

        ScriptedTransport next = ScriptedTransport.builder().expectPull(first).thenRespond(reply).build();
        session(next, database, builder -> builder,
                client -> assertThat(client.pullChanges().collectList().block(WAIT)).hasSize(ROWS / 40));
        next.verify();
        assertThat(SyncedImage.of(database)).as("the synced state is the remote").isEqualTo(remote.bytes(second));
    }

    @Test
    void cancellingAPullOverLocalChangesLeavesTheFilesByteForByteAndTheNextPullRebasesThem() throws Exception {
        session(bootstrapOnly(), database, builder -> builder,
                client -> write(client, "UPDATE t SET v = 'local' WHERE id = 7"));
        Map<String, String> before = files(database);
        List<PullFrame> reply = remote.frames(first, second);
        ScriptedTransport.Stall stall = new ScriptedTransport.Stall();
        ScriptedTransport stalling = ScriptedTransport.builder().expectPull(first).thenStall(reply, 3, stall).build();

        session(stalling, database, builder -> builder, client -> {
            Disposable pulling = client.pullChanges().subscribe();
            stall.reached().block(WAIT);
            pulling.dispose();
            stall.cancelled().block(WAIT);
        });
        stalling.verify();
        assertThat(files(database)).as("the replica's files, byte for byte").isEqualTo(before);

        ScriptedTransport next = ScriptedTransport.builder().expectPull(first).thenRespond(reply).build();
        session(next, database, builder -> builder, client -> {
            assertThat(client.pullChanges().collectList().block(WAIT)).hasSize(ROWS / 40);
            assertThat(ScriptedClients.rows(client, "SELECT v FROM t WHERE id IN (7, 40) ORDER BY id"))
                    .containsExactly("local", String.format("new-%060d", 40));
            assertThat(client.stats().block(WAIT).pendingChanges()).isEqualTo(1);
        });
        next.verify();
    }

    /**
     * A crash while the pull's replay runs, taken as a copy of the files at that moment (by a child process, so that
     * no handle this JVM closes drops SQLite's locks): the journal is there, the remote's pages are in the WAL and
     * the replay has not committed. Opening the copy undoes the pull without asking the server; the next pull asks
     * from the old revision and applies the pages again, with the local change replayed on top.
     */
    @Test
    void aCrashDuringTheReplayIsUndoneByOpenAndTheNextPullFetchesItAgain() throws Exception {
        session(bootstrapOnly(), database, builder -> builder,
                client -> write(client, "INSERT INTO t VALUES (1000, 'local')"));
        CountDownLatch replaying = new CountDownLatch(1);
        CountDownLatch copied = new CountDownLatch(1);
        Function<Mutation, MutationResult> pausing = mutation -> {
            if (replaying.getCount() > 0) {
                replaying.countDown();
                await(copied);
            }
            return MutationResult.keep();
        };
        Path crashed = Files.createDirectory(folder.resolve("crashed"));
        ScriptedTransport transport = ScriptedTransport.builder()
                .expectPull(first).thenRespond(remote.frames(first, second)).build();
        session(transport, database, builder -> builder.transform(pausing), client -> {
            Mono<List<ChangeEvent>> pull = client.pullChanges().collectList().cache();
            pull.subscribe();
            await(replaying);
            copyFiles(database, crashed);
            copied.countDown();
            assertThat(pull.block(WAIT)).hasSize(ROWS / 40);
        });
        transport.verify();
        assertThat(new JournalStore(crashed.resolve("app.db")).holdsJournal()).as("the copy holds a pull half-way")
                .isTrue();

        Path copy = crashed.resolve("app.db");
        ScriptedTransport again = ScriptedTransport.builder()
                .expectPull(first).thenRespond(remote.frames(first, second)).build();
        session(again, copy, builder -> builder, client -> {
            assertThat(again.played()).as("open asks the server nothing").isEmpty();
            assertThat(client.stats().block(WAIT).revision()).isEqualTo(first);
            assertThat(queryLong(client, "SELECT count(*) FROM t WHERE v LIKE 'new-%'")).isZero();
            assertThat(client.stats().block(WAIT).pendingChanges()).isEqualTo(1);

            assertThat(client.pullChanges().collectList().block(WAIT)).hasSize(ROWS / 40);
            assertThat(queryLong(client, "SELECT count(*) FROM t WHERE v LIKE 'new-%'")).isEqualTo(ROWS / 40);
            assertThat(queryLong(client, "SELECT count(*) FROM t WHERE id = 1000 AND v = 'local'")).isEqualTo(1);
            assertThat(client.stats().block(WAIT).pendingChanges()).isEqualTo(1);
        });
        again.verify();
        assertThat(new JournalStore(copy).holdsJournal()).isFalse();
    }

    /**
     * A pull over a pending change leaves its replay's connection open for the pool (SQLite does not rebuild its WAL
     * index once more for the next one), and this process keeps its POSIX locks on the database file meanwhile,
     * though the pull read the synced state through a handle of its own: another process that opens and closes the
     * database leaves the WAL alone, and the client's connection sees the replayed change on the remote's pages.
     */
    @Test
    void aPullOverAPendingChangeKeepsItsConnectionsAndThisProcessItsLocks() throws Exception {
        session(bootstrapOnly(), database, builder -> builder,
                client -> write(client, "INSERT INTO t VALUES (1000, 'local')"));
        ScriptedTransport transport = ScriptedTransport.builder()
                .expectPull(first).thenRespond(remote.frames(first, second)).build();
        session(transport, database, builder -> builder, client -> {
            assertThat(client.pullChanges().collectList().block(WAIT)).hasSize(ROWS / 40);

            if (DatabaseLocks.readable()) {
                assertThat(DatabaseLocks.heldByThisProcess(database)).as("this process's locks on the database")
                        .isNotEmpty();
            }
            if (DatabaseLocks.shellAvailable()) {
                Path wal = database.resolveSibling(database.getFileName() + "-wal");
                long walBefore = Files.size(wal);
                DatabaseLocks.openAndCloseInAnotherProcess(database);
                assertThat(wal).as("another process's close did not checkpoint and delete the WAL").exists();
                assertThat(Files.size(wal)).isEqualTo(walBefore);
            }

            assertThat(queryLong(client, "SELECT count(*) FROM t WHERE v LIKE 'new-%'")).isEqualTo(ROWS / 40);
            assertThat(queryLong(client, "SELECT count(*) FROM t WHERE id = 1000 AND v = 'local'")).isEqualTo(1);
            assertThat(client.stats().block(WAIT).pendingChanges()).isEqualTo(1);
        });
        transport.verify();
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                throw new AssertionError("no signal within " + WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Copies the replica's files (not its lock) with {@code cp}, a child process, as they are at this moment. */
    private static void copyFiles(Path database, Path target) throws Exception {
        List<String> command = new ArrayList<>(List.of("cp"));
        try (Stream<Path> siblings = Files.list(database.getParent())) {
            siblings.filter(file -> file.getFileName().toString().startsWith(database.getFileName().toString())
                            && !file.getFileName().toString().endsWith("-lock"))
                    .forEach(file -> command.add(file.toString()));
        }
        command.add(target.toString());
        Process copy = new ProcessBuilder(command).inheritIO().start();
        if (!copy.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS) || copy.exitValue() != 0) {
            throw new AssertionError("cp failed: " + command);
        }
    }

    @Test
    void cancellingAPullMidStreamLeavesTheReplicaIntactAndTheNextPullApplies() throws Exception {
        List<PullFrame> reply = remote.frames(first, second);
        ScriptedTransport.Stall stall = new ScriptedTransport.Stall();
        ScriptedTransport transport = ScriptedTransport.builder()
                .expectPull(null).thenRespond(remote.frames(null, first))
                .expectPull(first).thenStall(reply, 2, stall)
                .expectPull(first).thenRespond(reply)
                .build();
        AtomicReference<List<ChangeEvent>> events = new AtomicReference<>();

        session(transport, database, builder -> builder, client -> {
            Disposable pulling = client.pullChanges().subscribe();
            stall.reached().block(WAIT);
            pulling.dispose();
            stall.cancelled().block(WAIT);
            assertThat(queryLong(client, "SELECT count(*) FROM t WHERE v LIKE 'new-%'")).isZero();

            events.set(client.pullChanges().collectList().block(WAIT));
            assertThat(client.stats().block(WAIT).revision()).isEqualTo(second);
        });
        transport.verify();
        assertThat(events.get()).hasSize(ROWS / 40).allSatisfy(event -> {
            assertThat(event.operation()).isEqualTo(ChangeOperation.UPDATE);
            assertThat((String) event.newValues().get("v")).startsWith("new-");
        });
        assertThat(stageFiles(database)).isEmpty();
        assertThat(SyncedImage.of(database)).as("the replica, without local changes, is the remote")
                .isEqualTo(remote.bytes(second));
    }
}
