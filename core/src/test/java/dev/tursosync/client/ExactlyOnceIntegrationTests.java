package dev.tursosync.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tursosync.RetryOptions;
import dev.tursosync.SyncClient;
import dev.tursosync.TursoSyncException;
import dev.tursosync.testing.LocalSyncServer;
import dev.tursosync.testing.TursoServerExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once push against the real server: pushes cut before the request or after the server committed, then
 * retried, and local writes racing with pushes. The table has no primary key, so the remote would show any change
 * applied twice as a duplicate row.
 */
@ExtendWith(TursoServerExtension.class)
final class ExactlyOnceIntegrationTests {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int SEEDS = 25;

    private final LocalSyncServer server;
    private final RemoteSql remote;
    @TempDir
    Path dir;

    ExactlyOnceIntegrationTests(LocalSyncServer server) {
        this.server = server;
        this.remote = new RemoteSql(server.url());
    }

    @AfterEach
    void closeRemote() {
        remote.close();
    }

    @Test
    void interruptedPushesRetriedLeaveNoDuplicateAndLoseNothing() throws Exception {
        int faultsSeen = 0;
        try (CuttingProxy proxy = new CuttingProxy(server.url())) {
            for (int seed = 0; seed < SEEDS; seed++) {
                Random random = new Random(seed);
                String table = "n_" + seed + "_" + Long.toHexString(System.nanoTime());
                remote.transaction("CREATE TABLE " + table + " (v TEXT)");
                SyncClient client = SyncClient.builder().path(dir.resolve(table + ".db")).url(proxy.url())
                        .clientName("once").pushBatchSize(1 + random.nextInt(4)).retry(RetryOptions.none()).build();
                try {
                    client.open().block(WAIT);
                    int rows = writeTransactions(client, table, random, "s" + seed);
                    int cutAt = 1 + random.nextInt(4);
                    CuttingProxy.Fault fault = random.nextBoolean() ? CuttingProxy.Fault.CUT_AFTER_REPLY
                            : CuttingProxy.Fault.CUT_BEFORE_REQUEST;
                    proxy.plan(number -> number == cutAt ? fault : CuttingProxy.Fault.NONE);
                    try {
                        client.push().block(WAIT);
                    } catch (TursoSyncException expected) {
                        faultsSeen++;
                    }
                    proxy.plan(number -> CuttingProxy.Fault.NONE);
                    client.push().block(WAIT);

                    assertThat(remote.query("SELECT count(*), count(DISTINCT v) FROM " + table))
                            .as("seed %d, %s at request %d", seed, fault, cutAt)
                            .containsExactly(List.of((long) rows, (long) rows));
                    assertThat(client.stats().block(WAIT).pendingChanges()).isZero();
                } finally {
                    client.close().block(WAIT);
                }
            }
        }
        assertThat(faultsSeen).as("pushes that failed on a cut connection").isGreaterThan(SEEDS / 2);
    }

    @Test
    void writesDuringPushesAreNeitherLostNorPushedTwice() throws Exception {
        String table = "w_" + Long.toHexString(System.nanoTime());
        remote.transaction("CREATE TABLE " + table + " (v TEXT)");
        SyncClient client = SyncClient.builder().path(dir.resolve("w.db")).url(server.url()).clientName("racer")
                .pushBatchSize(20).build();
        client.open().block(WAIT);
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger written = new AtomicInteger();
        CountDownLatch firstWrite = new CountDownLatch(1);
        Thread writer = new Thread(() -> {
            while (writing.get()) {
                int n = written.get();
                LocalSql.transaction(client, "INSERT INTO " + table + " VALUES ('r" + n + "a')",
                        "INSERT INTO " + table + " VALUES ('r" + n + "b')");
                written.incrementAndGet();
                firstWrite.countDown();
                LockSupport.parkNanos(2_000_000);
            }
        });
        try {
            writer.start();
            // pushes overlap writes: they start once the writer has committed and go on until it committed 20 more
            assertThat(firstWrite.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
            int pushes = 0;
            while (pushes < 15 || written.get() < 21) {
                client.push().block(WAIT);
                pushes++;
            }
            writing.set(false);
            writer.join();
            client.push().block(WAIT);

            long rows = 2L * written.get();
            assertThat(rows).isGreaterThan(0);
            assertThat(remote.query("SELECT count(*), count(DISTINCT v) FROM " + table))
                    .containsExactly(List.of(rows, rows));
            assertThat(client.stats().block(WAIT).pendingChanges()).isZero();
        } finally {
            writing.set(false);
            writer.join();
            client.close().block(WAIT);
        }
    }

    private static int writeTransactions(SyncClient client, String table, Random random, String prefix) {
        int rows = 0;
        int transactions = 3 + random.nextInt(8);
        for (int t = 0; t < transactions; t++) {
            int size = 1 + random.nextInt(4);
            String[] statements = new String[size];
            for (int i = 0; i < size; i++) {
                statements[i] = "INSERT INTO " + table + " VALUES ('" + prefix + "-" + rows++ + "')";
            }
            LocalSql.transaction(client, statements);
        }
        return rows;
    }
}
