package dev.tursosync.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tursosync.ChangeEvent;
import dev.tursosync.ChangeOperation;
import dev.tursosync.RetryOptions;
import dev.tursosync.SyncClient;
import dev.tursosync.SyncState;
import dev.tursosync.SyncStatus;
import dev.tursosync.SyncTransportException;
import dev.tursosync.testing.LocalSyncServer;
import dev.tursosync.testing.TursoServerExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retries against the real server behind a proxy that cuts connections: a pull is fetched again as a whole, a push
 * starts again from the remote's record of the client (nothing twice, nothing lost), the bootstrap is retried, the
 * status shows the wait, and with {@link RetryOptions#none()} the first failure surfaces.
 */
@ExtendWith(TursoServerExtension.class)
final class RetryIntegrationTests {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final RetryOptions QUICK = RetryOptions.builder().maxRetries(3)
            .firstBackoff(Duration.ofMillis(20)).maxBackoff(Duration.ofMillis(100)).build();

    private final LocalSyncServer server;
    private final RemoteSql remote;
    @TempDir
    Path dir;

    RetryIntegrationTests(LocalSyncServer server) {
        this.server = server;
        this.remote = new RemoteSql(server.url());
    }

    @AfterEach
    void closeRemote() {
        remote.close();
    }

    private SyncClient client(String name, String url, RetryOptions retry) {
        SyncClient client = SyncClient.builder().path(dir.resolve(name + ".db")).url(url).clientName(name)
                .retry(retry).pushBatchSize(3).build();
        client.open().block(WAIT);
        return client;
    }

    @Test
    void aPullCutTwiceIsFetchedAgainAndAppliedOnce() throws Exception {
        String table = "p_" + Long.toHexString(System.nanoTime());
        remote.transaction("CREATE TABLE " + table + " (id INTEGER PRIMARY KEY, v TEXT)");
        try (CuttingProxy proxy = new CuttingProxy(server.url())) {
            SyncClient client = client("puller", proxy.url(), QUICK);
            try {
                remote.transaction("INSERT INTO " + table + " VALUES (1, 'a')", "INSERT INTO " + table
                        + " VALUES (2, 'b')");
                List<SyncStatus> statuses = new CopyOnWriteArrayList<>();
                client.status().subscribe(statuses::add);
                proxy.plan(number -> number == 1 ? CuttingProxy.Fault.CUT_BEFORE_REQUEST
                        : number == 2 ? CuttingProxy.Fault.CUT_AFTER_REPLY : CuttingProxy.Fault.NONE);

                List<ChangeEvent> events = client.pullChanges().collectList().block(WAIT);

                assertThat(events).filteredOn(event -> event.table().equals(table))
                        .extracting(ChangeEvent::operation)
                        .containsExactly(ChangeOperation.INSERT, ChangeOperation.INSERT);
                assertThat(LocalSql.query(client, "SELECT id, v FROM " + table + " ORDER BY id"))
                        .containsExactly(List.of(1L, "a"), List.of(2L, "b"));
                assertThat(statuses).filteredOn(status -> status.state() == SyncState.BACKING_OFF)
                        .hasSize(2)
                        .allSatisfy(status -> {
                            assertThat(status.error()).get().isInstanceOf(SyncTransportException.class);
                            assertThat(status.nextAttempt()).isPresent();
                        });
                SyncStatus last = statuses.get(statuses.size() - 1);
                assertThat(last.state()).isEqualTo(SyncState.IDLE);
                assertThat(last.error()).isEmpty();
                assertThat(last.lastPull()).isPresent();
                assertThat(client.pullChanges().collectList().block(WAIT)).as("nothing applied twice").isEmpty();
            } finally {
                client.close().block(WAIT);
            }
        }
    }

    @Test
    void aPushCutAtAnyRequestIsRetriedToExactlyOneCopyOnTheRemote() throws Exception {
        int seeds = 12;
        try (CuttingProxy proxy = new CuttingProxy(server.url())) {
            for (int seed = 0; seed < seeds; seed++) {
                Random random = new Random(seed);
                String table = "r_" + seed + "_" + Long.toHexString(System.nanoTime());
                remote.transaction("CREATE TABLE " + table + " (v TEXT)");
                SyncClient client = client("pusher" + seed, proxy.url(), QUICK);
                try {
                    client.pullChanges().blockLast(WAIT);
                    int rows = 4 + random.nextInt(8);
                    for (int i = 0; i < rows; i++) {
                        LocalSql.execute(client, "INSERT INTO " + table + " VALUES ('s" + seed + "-" + i + "')");
                    }
                    int cutAt = 1 + random.nextInt(4);
                    CuttingProxy.Fault fault = random.nextBoolean() ? CuttingProxy.Fault.CUT_AFTER_REPLY
                            : CuttingProxy.Fault.CUT_BEFORE_REQUEST;
                    proxy.plan(number -> number == cutAt ? fault : CuttingProxy.Fault.NONE);

                    // a retry after a reply was lost finds the batch on the remote and sends only the rest
                    client.push().block(WAIT);

                    assertThat(remote.query("SELECT count(*), count(DISTINCT v) FROM " + table))
                            .as("seed %d, %s at request %d", seed, fault, cutAt)
                            .containsExactly(List.of((long) rows, (long) rows));
                    assertThat(client.stats().block(WAIT).pendingChanges()).isZero();
                } finally {
                    proxy.plan(number -> CuttingProxy.Fault.NONE);
                    client.close().block(WAIT);
                }
            }
        }
    }

    @Test
    void aBootstrapCutOnceIsRetried() throws Exception {
        String table = "b_" + Long.toHexString(System.nanoTime());
        remote.transaction("CREATE TABLE " + table + " (v TEXT)", "INSERT INTO " + table + " VALUES ('x')");
        try (CuttingProxy proxy = new CuttingProxy(server.url())) {
            proxy.plan(number -> number == 1 ? CuttingProxy.Fault.CUT_AFTER_REPLY : CuttingProxy.Fault.NONE);
            SyncClient client = client("boot", proxy.url(), QUICK);
            try {
                assertThat(LocalSql.query(client, "SELECT v FROM " + table)).containsExactly(List.of("x"));
            } finally {
                client.close().block(WAIT);
            }
        }
    }

    @Test
    void withoutRetriesTheFirstFailureSurfacesAndTheNextPullWorks() throws Exception {
        String table = "n_" + Long.toHexString(System.nanoTime());
        remote.transaction("CREATE TABLE " + table + " (v TEXT)");
        try (CuttingProxy proxy = new CuttingProxy(server.url())) {
            SyncClient client = client("none", proxy.url(), RetryOptions.none());
            try {
                remote.transaction("INSERT INTO " + table + " VALUES ('y')");
                proxy.plan(number -> number == 1 ? CuttingProxy.Fault.CUT_BEFORE_REQUEST : CuttingProxy.Fault.NONE);
                assertThatThrownBy(() -> client.pullChanges().blockLast(WAIT))
                        .isInstanceOf(SyncTransportException.class);
                assertThat(client.status().blockFirst(WAIT).error()).get().isInstanceOf(SyncTransportException.class);

                assertThat(client.pullChanges().collectList().block(WAIT)).isNotEmpty();
                assertThat(LocalSql.query(client, "SELECT v FROM " + table)).containsExactly(List.of("y"));
                assertThat(client.status().blockFirst(WAIT).error()).as("cleared by a success").isEmpty();
            } finally {
                client.close().block(WAIT);
            }
        }
    }
}
