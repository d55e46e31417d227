package dev.tursosync.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tursosync.AutoSyncOptions;
import dev.tursosync.ChangeEvent;
import dev.tursosync.SyncClient;
import dev.tursosync.SyncState;
import dev.tursosync.SyncStatus;
import dev.tursosync.testing.LocalSyncServer;
import dev.tursosync.testing.TursoServerExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;

/**
 * Background sync against the real server: two replicas under {@code autoSync} see each other's writes within two
 * pull periods plus the push debounce (this server answers pulls at once, so the pull interval is the period), the
 * status stream tells what runs, disposing stops the loops, and closing the client ends them.
 */
@ExtendWith(TursoServerExtension.class)
final class AutoSyncIntegrationTests {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Duration DEBOUNCE = Duration.ofMillis(200);
    private static final Duration PERIOD = Duration.ofSeconds(1);
    private static final AutoSyncOptions OPTIONS = AutoSyncOptions.builder().pushDebounce(DEBOUNCE)
            .pullInterval(PERIOD).build();

    private final LocalSyncServer server;
    private final RemoteSql remote;
    private final List<SyncClient> clients = new ArrayList<>();
    @TempDir
    Path dir;

    AutoSyncIntegrationTests(LocalSyncServer server) {
        this.server = server;
        this.remote = new RemoteSql(server.url());
    }

    @AfterEach
    void closeAll() {
        clients.forEach(client -> client.close().block(WAIT));
        remote.close();
    }

    private SyncClient open(String name) {
        SyncClient client = SyncClient.builder().path(dir.resolve(name + ".db")).url(server.url()).clientName(name)
                .build();
        client.open().block(WAIT);
        clients.add(client);
        return client;
    }

    @Test
    void twoReplicasSeeEachOthersWritesWithinTwoPeriodsPlusTheDebounce() {
        String table = "a_" + Long.toHexString(System.nanoTime());
        remote.transaction("CREATE TABLE " + table + " (id INTEGER PRIMARY KEY, writer TEXT)");
        SyncClient a = open("a");
        SyncClient b = open("b");
        List<ChangeEvent> seenByA = new CopyOnWriteArrayList<>();
        List<ChangeEvent> seenByB = new CopyOnWriteArrayList<>();
        a.changes().subscribe(seenByA::add);
        b.changes().subscribe(seenByB::add);
        Disposable syncA = a.autoSync(OPTIONS);
        Disposable syncB = b.autoSync(OPTIONS);
        long bound = 2 * PERIOD.toMillis() + DEBOUNCE.toMillis();
        List<Long> latencies = new ArrayList<>();
        try {
            for (int round = 1; round <= 6; round++) {
                boolean aWrites = round % 2 == 1;
                SyncClient writer = aWrites ? a : b;
                List<ChangeEvent> reader = aWrites ? seenByB : seenByA;
                LocalSql.execute(writer, "INSERT INTO " + table + " VALUES (" + round + ", '"
                        + (aWrites ? "a" : "b") + "')");
                long committed = System.nanoTime();
                long rowid = round;
                long latency = awaitMillis(() -> reader.stream().anyMatch(event -> event.table().equals(table)
                        && event.rowid() != null && event.rowid() == rowid), bound + 5_000);
                latencies.add(latency);
                assertThat(latency).as("round %d: ms from the commit to the event on the other replica", round)
                        .isLessThanOrEqualTo(bound);
            }
        } finally {
            syncA.dispose();
            syncB.dispose();
        }
        List<List<Object>> expected = remote.query("SELECT id, writer FROM " + table + " ORDER BY id");
        assertThat(expected).hasSize(6);
        assertThat(LocalSql.query(a, "SELECT id, writer FROM " + table + " ORDER BY id")).isEqualTo(expected);
        assertThat(LocalSql.query(b, "SELECT id, writer FROM " + table + " ORDER BY id")).isEqualTo(expected);
        System.out.println("autoSync latencies (ms, bound " + bound + "): " + latencies);
    }

    @Test
    void theStatusStreamShowsPullsPushesAndTheLastSuccesses() {
        String table = "s_" + Long.toHexString(System.nanoTime());
        remote.transaction("CREATE TABLE " + table + " (v TEXT)");
        SyncClient client = open("status");
        List<SyncStatus> statuses = new CopyOnWriteArrayList<>();
        client.status().subscribe(statuses::add);
        assertThat(statuses).isNotEmpty();
        assertThat(statuses.get(0).state()).isEqualTo(SyncState.IDLE);
        Instant before = Instant.now();
        Disposable sync = client.autoSync(OPTIONS);
        try {
            LocalSql.execute(client, "INSERT INTO " + table + " VALUES ('x')");
            awaitMillis(() -> remote.query("SELECT count(*) FROM " + table).equals(List.of(List.of(1L))), 10_000);
            awaitMillis(() -> statuses.stream().anyMatch(status -> status.lastPush().isPresent()
                    && !status.lastPush().get().isBefore(before.minusSeconds(1))), 10_000);
        } finally {
            sync.dispose();
        }
        assertThat(statuses).extracting(SyncStatus::state)
                .contains(SyncState.PULLING, SyncState.PUSHING, SyncState.IDLE);
        assertThat(statuses).filteredOn(status -> status.state() == SyncState.BACKING_OFF).isEmpty();
        SyncStatus latest = client.status().blockFirst(WAIT);
        assertThat(latest.lastPull()).isPresent();
        assertThat(latest.error()).isEmpty();

        client.close().block(WAIT);
        assertThat(statuses.get(statuses.size() - 1).state()).isEqualTo(SyncState.CLOSED);
        assertThat(client.status().collectList().block(WAIT)).extracting(SyncStatus::state)
                .containsExactly(SyncState.CLOSED);
    }

    @Test
    void disposingStopsTheLoopsAndClosingTheClientEndsThem() throws Exception {
        SyncClient a = open("stop");
        Disposable sync = a.autoSync(OPTIONS);
        awaitMillis(() -> lastPull(a) != null, 10_000);
        sync.dispose();
        Thread.sleep(200);
        Instant stopped = lastPull(a);
        Thread.sleep(2 * PERIOD.toMillis() + 500);
        assertThat(lastPull(a)).as("no pull after dispose").isEqualTo(stopped);
        assertThat(sync.isDisposed()).isTrue();

        SyncClient b = open("closer");
        Disposable running = b.autoSync(OPTIONS);
        b.close().block(WAIT);
        awaitMillis(running::isDisposed, 5_000);
    }

    private static Instant lastPull(SyncClient client) {
        return client.stats().block(WAIT).lastPullTime();
    }

    /** Waits for a condition; returns the milliseconds it took. */
    private static long awaitMillis(java.util.function.BooleanSupplier condition, long timeoutMillis) {
        long start = System.nanoTime();
        while (!condition.getAsBoolean()) {
            long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            if (elapsed > timeoutMillis) {
                throw new AssertionError("condition not met within " + timeoutMillis + " ms");
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }
}
