package dev.tursosync.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tursosync.ChangeEvent;
import dev.tursosync.ChangeOperation;
import dev.tursosync.MutationResult;
import dev.tursosync.ReplayFailedException;
import dev.tursosync.SyncClient;
import dev.tursosync.SyncStats;
import dev.tursosync.testing.LocalSyncServer;
import dev.tursosync.testing.TursoServerExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Pulls over pending local changes (rebase) against the real {@code tursodb --sync-server}: a model of the
 * documented rules, schema changes, replay failures and their resolution, and the sync-aware checkpoint.
 */
@ExtendWith(TursoServerExtension.class)
final class RebaseIntegrationTests {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private final LocalSyncServer server;
    private final RemoteSql remote;
    private final String t = "t_" + Long.toHexString(System.nanoTime());
    private final List<SyncClient> clients = new ArrayList<>();
    private final AtomicBoolean skipDroppedTable = new AtomicBoolean();
    @TempDir
    Path dir;

    RebaseIntegrationTests(LocalSyncServer server) {
        this.server = server;
        this.remote = new RemoteSql(server.url());
    }

    @AfterEach
    void closeClientsAndRemote() {
        clients.forEach(client -> client.close().block(WAIT));
        remote.close();
    }

    private SyncClient open(String name) {
        SyncClient client = SyncClient.builder().path(dir.resolve(name + ".db")).url(server.url())
                .clientName(name).autoCheckpointWalBytes(0)
                .transform(mutation -> skipDroppedTable.get() && mutation.table().endsWith("_gone")
                        ? MutationResult.skip() : MutationResult.keep())
                .build();
        client.open().block(WAIT);
        clients.add(client);
        return client;
    }

    private Map<Long, String> localRows(SyncClient client) {
        return rows(LocalSql.query(client, "SELECT id, v FROM " + t + " ORDER BY id"));
    }

    private Map<Long, String> remoteRows() {
        return rows(remote.query("SELECT id, v FROM " + t + " ORDER BY id"));
    }

    private static Map<Long, String> rows(List<List<Object>> rows) {
        Map<Long, String> map = new TreeMap<>();
        rows.forEach(row -> map.put(((Number) row.get(0)).longValue(), (String) row.get(1)));
        return map;
    }

    // ---- the model ------------------------------------------------------------------------------------------

    /** A pending local change as the rules see it. */
    private record Op(char kind, long id, String value) {

        /** Applies the change the way its replayed or pushed SQL does; false if it touches no row. */
        boolean applyTo(Map<Long, String> rows) {
            return switch (kind) {
                case 'I' -> {
                    rows.put(id, value);
                    yield true;
                }
                case 'U' -> rows.containsKey(id) && rows.put(id, value) != null;
                default -> rows.remove(id) != null;
            };
        }

        /** The change as captured again by the replay on top of {@code rows} (an upsert of an existing row is an update). */
        Op recapturedOn(Map<Long, String> rows) {
            return kind == 'I' && rows.containsKey(id) ? new Op('U', id, value) : this;
        }
    }

    static Stream<Long> seeds() {
        return Stream.of(11L, 23L, 37L, 41L, 59L, 67L);
    }

    /**
     * Random local and remote writes to the same keys, pulls while local changes are pending, pushes, checkpoints
     * and long offline stretches. After every pull the replica must hold the remote rows with the pending changes
     * replayed on top; after every push the remote must hold them (last push wins).
     */
    @ParameterizedTest
    @MethodSource("seeds")
    void pullsReplayPendingChangesOnTopOfTheRemoteAndPushesWinLast(long seed) throws Exception {
        Random random = new Random(seed);
        remote.execute("CREATE TABLE " + t + " (id INTEGER PRIMARY KEY, v TEXT)");
        SyncClient a = open("a");
        Map<Long, String> remoteModel = new TreeMap<>();
        Map<Long, String> localModel = new TreeMap<>();
        List<Op> pending = new ArrayList<>();
        int pulls = 0;
        for (int step = 0; step < 60; step++) {
            int action = random.nextInt(100);
            long id = 1 + random.nextInt(12);
            String value = "s" + seed + "-" + step;
            if (action < 35) {
                Op op = localOp(random, id, value, localModel);
                LocalSql.execute(a, op.kind() == 'I' ? "INSERT INTO " + t + " VALUES (" + id + ", '" + value + "')"
                        : op.kind() == 'U' ? "UPDATE " + t + " SET v = '" + value + "' WHERE id = " + id
                        : "DELETE FROM " + t + " WHERE id = " + id);
                op.applyTo(localModel);
                pending.add(op);
            } else if (action < 65) {
                if (remoteModel.containsKey(id) && random.nextBoolean()) {
                    remote.execute(random.nextBoolean() ? "UPDATE " + t + " SET v = '" + value + "' WHERE id = " + id
                            : "DELETE FROM " + t + " WHERE id = " + id);
                } else {
                    remote.execute("INSERT OR REPLACE INTO " + t + " VALUES (" + id + ", '" + value + "')");
                }
                remoteModel.clear();
                remoteModel.putAll(remoteRows());
            } else if (action < 85) {
                List<ChangeEvent> events = a.pullChanges().collectList().block(WAIT);
                pulls++;
                assertThat(events).allSatisfy(event -> assertThat(event.table()).doesNotStartWith("tursosync_"));
                Map<Long, String> expected = new TreeMap<>(remoteModel);
                List<Op> recaptured = new ArrayList<>();
                for (Op op : pending) {
                    Op again = op.recapturedOn(expected);
                    if (op.applyTo(expected)) {
                        recaptured.add(again);
                    }
                }
                pending = recaptured;
                localModel = expected;
                assertThat(localRows(a)).as("seed %d step %d: local rows after a pull", seed, step)
                        .isEqualTo(localModel);
            } else if (action < 93) {
                a.push().block(WAIT);
                pending.forEach(op -> op.applyTo(remoteModel));
                pending.clear();
                assertThat(remoteRows()).as("seed %d step %d: remote rows after a push", seed, step)
                        .isEqualTo(remoteModel);
            } else {
                a.checkpoint().block(WAIT);
                assertThat(a.stats().block(WAIT).walSizeBytes()).isZero();
                assertThat(localRows(a)).isEqualTo(localModel);
            }
        }
        a.sync().block(WAIT);
        pending.forEach(op -> op.applyTo(remoteModel));
        assertThat(remoteRows()).as("seed %d: remote after the final sync", seed).isEqualTo(remoteModel);
        assertThat(localRows(a)).as("seed %d: local after the final sync", seed).isEqualTo(remoteModel);
        assertThat(a.stats().block(WAIT).pendingChanges()).isZero();
        assertThat(LocalSql.query(a, "PRAGMA integrity_check")).containsExactly(List.of("ok"));
        assertThat(pulls).isPositive();
    }

    private static Op localOp(Random random, long id, String value, Map<Long, String> local) {
        if (!local.containsKey(id)) {
            return new Op('I', id, value);
        }
        return random.nextInt(3) == 0 ? new Op('D', id, null) : new Op('U', id, value);
    }

    @Test
    void longOfflineWithManyRemoteRevisionsAndCheckpointsEndsExact() throws Exception {
        remote.execute("CREATE TABLE " + t + " (id INTEGER PRIMARY KEY, v TEXT)");
        SyncClient a = open("a");
        for (int round = 0; round < 5; round++) {
            for (int i = 0; i < 200; i++) {
                LocalSql.execute(a, "INSERT OR REPLACE INTO " + t + " VALUES (" + (1000 + round * 200 + i)
                        + ", 'local-" + round + "-" + i + "-" + "x".repeat(200) + "')");
            }
            a.checkpoint().block(WAIT);
            for (int i = 0; i < 20; i++) {
                remote.execute("INSERT OR REPLACE INTO " + t + " VALUES (" + (round * 20 + i) + ", 'remote-" + round
                        + "')");
            }
        }
        SyncStats beforePull = a.stats().block(WAIT);
        assertThat(beforePull.revertStoreSizeBytes()).isPositive();
        assertThat(beforePull.pendingChanges()).isEqualTo(1000);

        a.pullChanges().blockLast(WAIT);

        Map<Long, String> local = localRows(a);
        assertThat(local).hasSize(1100);
        assertThat(local.get(0L)).isEqualTo("remote-0");
        assertThat(local.get(1999L)).startsWith("local-4-199-");
        assertThat(a.stats().block(WAIT).pendingChanges()).isEqualTo(1000);
        assertThat(LocalSql.query(a, "PRAGMA integrity_check")).containsExactly(List.of("ok"));
        a.close().block(WAIT);
        SyncedStateAssert.assertSyncedStateIsTheRemote(dir.resolve("a.db"), server.url(), dir);

        SyncClient reopened = open("a");
        reopened.push().block(WAIT);
        assertThat(remoteRows()).isEqualTo(localRows(reopened));
    }

    @Test
    void remoteSchemaChangesUnderPendingLocalChanges() {
        remote.execute("CREATE TABLE " + t + " (id INTEGER PRIMARY KEY, v TEXT)");
        SyncClient a = open("a");
        LocalSql.execute(a, "INSERT INTO " + t + " VALUES (1, 'local')", "UPDATE " + t + " SET v = 'local2'"
                + " WHERE id = 1");
        remote.transaction("ALTER TABLE " + t + " ADD COLUMN extra TEXT DEFAULT 'd'",
                "CREATE TABLE " + t + "_new (k TEXT PRIMARY KEY)", "INSERT INTO " + t + " VALUES (2, 'remote', 'e')");

        List<ChangeEvent> events = a.pullChanges().collectList().block(WAIT);

        assertThat(events).extracting(ChangeEvent::table).contains(t + "_new");
        assertThat(LocalSql.query(a, "SELECT id, v, extra FROM " + t + " ORDER BY id"))
                .containsExactly(List.of(1L, "local2", "d"), List.of(2L, "remote", "e"));
        LocalSql.execute(a, "INSERT INTO " + t + "_new VALUES ('written after the pull')");
        a.push().block(WAIT);
        assertThat(remote.query("SELECT id, v, extra FROM " + t + " ORDER BY id"))
                .containsExactly(List.of(1L, "local2", "d"), List.of(2L, "remote", "e"));
        assertThat(remote.query("SELECT k FROM " + t + "_new")).containsExactly(List.of("written after the pull"));
    }

    @Test
    void aChangeThatCannotBeReplayedFailsThePullChangesNothingAndTheHookResolvesIt() throws Exception {
        String gone = t + "_gone";
        remote.transaction("CREATE TABLE " + t + " (id INTEGER PRIMARY KEY, v TEXT)",
                "CREATE TABLE " + gone + " (id INTEGER PRIMARY KEY, v TEXT)");
        SyncClient a = open("a");
        LocalSql.execute(a, "INSERT INTO " + gone + " VALUES (1, 'orphan')", "INSERT INTO " + t + " VALUES (1, 'kept')");
        remote.transaction("DROP TABLE " + gone, "INSERT INTO " + t + " VALUES (2, 'remote')");
        SyncStats before = a.stats().block(WAIT);

        assertThatThrownBy(() -> a.pullChanges().blockLast(WAIT))
                .isInstanceOfSatisfying(ReplayFailedException.class, failed -> {
                    assertThat(failed.table()).isEqualTo(gone);
                    assertThat(failed.operation()).isEqualTo("INSERT");
                    assertThat(failed.sqliteMessage()).contains("no such table");
                    assertThat(failed.getMessage()).contains(gone).contains("undone");
                });

        SyncStats after = a.stats().block(WAIT);
        assertThat(after.revision()).isEqualTo(before.revision());
        assertThat(after.pendingChanges()).isEqualTo(before.pendingChanges());
        assertThat(LocalSql.query(a, "SELECT v FROM " + gone)).containsExactly(List.of("orphan"));
        assertThat(localRows(a)).isEqualTo(Map.of(1L, "kept"));
        assertThat(LocalSql.query(a, "PRAGMA integrity_check")).containsExactly(List.of("ok"));

        skipDroppedTable.set(true);
        a.pullChanges().blockLast(WAIT);

        assertThat(localRows(a)).isEqualTo(Map.of(1L, "kept", 2L, "remote"));
        assertThat(LocalSql.query(a, "SELECT count(*) FROM sqlite_schema WHERE name = '" + gone + "'"))
                .containsExactly(List.of(0L));
        assertThat(a.stats().block(WAIT).pendingChanges()).isEqualTo(1);
        a.push().block(WAIT);
        assertThat(remoteRows()).isEqualTo(Map.of(1L, "kept", 2L, "remote"));
    }

    /** The file with the revert store put back is byte for byte the remote after each rebase. */
    @Test
    void theSyncedStateStaysTheRemoteThroughRebases() throws Exception {
        remote.execute("CREATE TABLE " + t + " (id INTEGER PRIMARY KEY, v TEXT)");
        SyncClient a = open("a");
        LocalSql.execute(a, "INSERT INTO " + t + " VALUES (1, 'l1')");
        remote.execute("INSERT INTO " + t + " VALUES (2, 'r2')");
        a.pullChanges().blockLast(WAIT);
        a.close().block(WAIT);
        SyncedStateAssert.assertSyncedStateIsTheRemote(dir.resolve("a.db"), server.url(), dir);
        a = open("a");
        LocalSql.execute(a, "INSERT INTO " + t + " VALUES (3, 'l3')");
        remote.execute("INSERT INTO " + t + " VALUES (4, 'r4')");
        a.pullChanges().blockLast(WAIT);
        a.close().block(WAIT);
        SyncedStateAssert.assertSyncedStateIsTheRemote(dir.resolve("a.db"), server.url(), dir);
    }

    @Test
    void changesPushedBeforeThePullAreNotReplayedAgain() {
        remote.execute("CREATE TABLE " + t + " (id INTEGER PRIMARY KEY, v TEXT)");
        SyncClient a = open("a");
        LocalSql.execute(a, "INSERT INTO " + t + " VALUES (1, 'first')");
        a.push().block(WAIT);
        remote.execute("UPDATE " + t + " SET v = 'remote wins later' WHERE id = 1");
        LocalSql.execute(a, "INSERT INTO " + t + " VALUES (2, 'second')");

        a.pullChanges().blockLast(WAIT);

        assertThat(localRows(a)).isEqualTo(Map.of(1L, "remote wins later", 2L, "second"));
        assertThat(a.stats().block(WAIT).pendingChanges()).isEqualTo(1);
    }

    @Test
    void theWalIsCheckpointedAutomaticallyPastItsSizeLimit() throws Exception {
        remote.execute("CREATE TABLE " + t + " (id INTEGER PRIMARY KEY, v TEXT)");
        long limit = 256 * 1024;
        SyncClient a = SyncClient.builder().path(dir.resolve("auto.db")).url(server.url()).clientName("auto")
                .autoCheckpointWalBytes(limit).build();
        a.open().block(WAIT);
        clients.add(a);
        long largestWal = 0;
        for (int i = 0; i < 400; i++) {
            LocalSql.execute(a, "INSERT INTO " + t + " VALUES (" + i + ", '" + "w".repeat(2000) + "')");
            largestWal = Math.max(largestWal, a.stats().block(WAIT).walSizeBytes());
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (a.stats().block(WAIT).walSizeBytes() > limit && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        SyncStats settled = a.stats().block(WAIT);
        assertThat(settled.revertStoreSizeBytes()).as("synced pages saved by automatic checkpoints").isPositive();
        // Each insert adds about 25 KB to the WAL; the checkpoint holds later work back, so the WAL ends at most a
        // unit of work or two past the limit, however slow the machine.
        assertThat(largestWal).as("the WAL never grew far past the limit").isLessThan(2 * limit);
        assertThat(LocalSql.query(a, "SELECT count(*) FROM " + t)).containsExactly(List.of(400L));
        assertThat(settled.pendingChanges()).isEqualTo(400);
        a.sync().block(WAIT);
        assertThat(remote.query("SELECT count(*) FROM " + t)).containsExactly(List.of(400L));
    }

    @Test
    void checkpointEmptiesTheWalAndTheRevertStoreHoldsEachPageOnce() throws Exception {
        remote.transaction("CREATE TABLE " + t + " (id INTEGER PRIMARY KEY, v TEXT)",
                "INSERT INTO " + t + " SELECT value, 'r' FROM generate_series(1, 500)");
        SyncClient a = open("a");
        LocalSql.execute(a, "UPDATE " + t + " SET v = 'one' WHERE id <= 50");
        long walBefore = a.stats().block(WAIT).walSizeBytes();
        a.checkpoint().block(WAIT);
        SyncStats first = a.stats().block(WAIT);
        assertThat(walBefore).isPositive();
        assertThat(first.walSizeBytes()).isZero();
        assertThat(first.revertStoreSizeBytes()).isPositive();

        for (int round = 0; round < 3; round++) {
            LocalSql.execute(a, "UPDATE " + t + " SET v = 'again " + round + "' WHERE id <= 50");
            a.checkpoint().block(WAIT);
            assertThat(a.stats().block(WAIT).revertStoreSizeBytes()).as("round %d", round)
                    .isEqualTo(first.revertStoreSizeBytes());
        }

        remote.execute("UPDATE " + t + " SET v = 'remote' WHERE id = 500");
        List<ChangeEvent> events = a.pullChanges().collectList().block(WAIT);
        assertThat(events).containsExactly(new ChangeEvent(t, ChangeOperation.UPDATE, 500L,
                Map.of("id", 500L, "v", "remote"), Map.of("id", 500L, "v", "r")));
        Map<Long, String> local = localRows(a);
        assertThat(local.get(1L)).isEqualTo("again 2");
        assertThat(local.get(500L)).isEqualTo("remote");
        assertThat(local.get(499L)).isEqualTo("r");
        a.close().block(WAIT);
        SyncedStateAssert.assertSyncedStateIsTheRemote(dir.resolve("a.db"), server.url(), dir);
    }
}
