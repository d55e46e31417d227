package dev.tursosync.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tursosync.OperationResult;
import dev.tursosync.OperationResult.Operation;
import dev.tursosync.OperationResult.Outcome;
import dev.tursosync.RetryOptions;
import dev.tursosync.SyncClient;
import dev.tursosync.SyncTransportException;
import dev.tursosync.testing.LocalSyncServer;
import dev.tursosync.testing.TursoServerExtension;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;

/**
 * {@link SyncClient#operations()} against the real server: one result per pull, push and checkpoint, with the
 * changes a push sent, the byte counters, the error of a failure, and completion on close.
 */
@ExtendWith(TursoServerExtension.class)
final class OperationResultsIntegrationTests {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private final LocalSyncServer server;
    @TempDir
    Path dir;

    OperationResultsIntegrationTests(LocalSyncServer server) {
        this.server = server;
    }

    @Test
    void eachOperationPublishesHowItEnded() {
        String table = "o_" + Long.toHexString(System.nanoTime());
        SyncClient client = SyncClientsForTests.open(dir.resolve("ops.db"), server.url());
        List<OperationResult> results = new CopyOnWriteArrayList<>();
        AtomicBoolean completed = new AtomicBoolean();
        Disposable subscription = client.operations().subscribe(results::add, error -> { },
                () -> completed.set(true));
        try {
            LocalSql.execute(client, "CREATE TABLE " + table + " (id INTEGER PRIMARY KEY, v TEXT)",
                    "INSERT INTO " + table + " VALUES (1, 'a')");
            client.push().block(WAIT);
            client.pullChanges().blockLast(WAIT);
            client.checkpoint().block(WAIT);
        } finally {
            client.close().block(WAIT);
            subscription.dispose();
        }

        assertThat(results).extracting(OperationResult::operation)
                .containsExactly(Operation.PUSH, Operation.PULL, Operation.CHECKPOINT);
        assertThat(results).allSatisfy(result -> {
            assertThat(result.outcome()).isEqualTo(Outcome.SUCCESS);
            assertThat(result.failure()).isEmpty();
            assertThat(result.duration()).isPositive();
        });
        assertThat(results.get(0).changesPushed()).as("the CREATE TABLE and the INSERT").isEqualTo(2);
        assertThat(results.get(0).bytesSent()).isPositive();
        assertThat(results.get(1).bytesReceived()).isGreaterThan(results.get(0).bytesReceived());
        assertThat(completed.get()).as("completes on close").isTrue();
    }

    @Test
    void aFailedPullPublishesItsError() throws Exception {
        Path path = dir.resolve("offline.db");
        SyncClientsForTests.open(path, server.url()).close().block(WAIT);
        int unusedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            unusedPort = socket.getLocalPort();
        }
        SyncClient client = SyncClient.builder().path(path).url("http://127.0.0.1:" + unusedPort)
                .clientName("test").retry(RetryOptions.none()).build();
        client.open().block(WAIT);
        List<OperationResult> results = new CopyOnWriteArrayList<>();
        Disposable subscription = client.operations().subscribe(results::add);
        try {
            assertThatThrownBy(() -> client.pullChanges().blockLast(WAIT)).isInstanceOf(SyncTransportException.class);
        } finally {
            subscription.dispose();
            client.close().block(WAIT);
        }

        assertThat(results).singleElement().satisfies(result -> {
            assertThat(result.operation()).isEqualTo(Operation.PULL);
            assertThat(result.outcome()).isEqualTo(Outcome.FAILURE);
            assertThat(result.failure()).get().isInstanceOf(SyncTransportException.class);
        });
    }
}
