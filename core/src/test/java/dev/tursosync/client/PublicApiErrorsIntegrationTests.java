package dev.tursosync.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.tursosync.RetryOptions;
import dev.tursosync.SyncClient;
import dev.tursosync.SyncClosedException;
import dev.tursosync.SyncMetadataException;
import dev.tursosync.SyncTransportException;
import dev.tursosync.TursoSyncException;
import dev.tursosync.testing.LocalSyncServer;
import dev.tursosync.testing.TursoServerExtension;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Walks the public API's error paths: every operation of {@link SyncClient} before {@code open()}, after
 * {@code close()}, against a server that is not there, over a database without metadata, and over a replica whose
 * file was damaged behind the client's back. Each must end with a {@link TursoSyncException} (the original error as
 * its cause when it was another type), never with an untyped error.
 */
@ExtendWith(TursoServerExtension.class)
final class PublicApiErrorsIntegrationTests {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private final LocalSyncServer server;
    @TempDir
    Path dir;

    PublicApiErrorsIntegrationTests(LocalSyncServer server) {
        this.server = server;
    }

    @Test
    void everyOperationBeforeOpenAndAfterCloseIsAClosedError() {
        SyncClient client = build(dir.resolve("unopened.db"), server.url());
        operations(client).forEach((name, operation) ->
                assertThat(catchThrowable(operation::get)).as(name).isInstanceOf(SyncClosedException.class));
        client.open().block(WAIT);
        client.close().block(WAIT);
        operations(client).forEach((name, operation) ->
                assertThat(catchThrowable(operation::get)).as(name).isInstanceOf(SyncClosedException.class));
    }

    @Test
    void aServerThatIsNotThereIsATransportErrorAndLeavesNoFile() throws IOException {
        int port;
        try (ServerSocket unused = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = unused.getLocalPort();
        }
        SyncClient client = build(dir.resolve("nowhere.db"), "http://127.0.0.1:" + port);
        assertThat(catchThrowable(() -> client.open().block(WAIT))).isInstanceOf(SyncTransportException.class);
        client.close().block(WAIT);
        assertThat(dir.resolve("nowhere.db")).doesNotExist();
        assertThat(dir.resolve("nowhere.db-info")).doesNotExist();
    }

    @Test
    void aDatabaseWithoutMetadataIsAMetadataError() throws IOException {
        Path path = dir.resolve("foreign.db");
        Files.write(path, new byte[4096]);
        SyncClient client = build(path, server.url());
        assertThat(catchThrowable(() -> client.open().block(WAIT))).isInstanceOf(SyncMetadataException.class);
        client.close().block(WAIT);
    }

    @Test
    void aReplicaDamagedBehindTheClientsBackGivesTypedErrorsOnly() throws IOException {
        Path path = dir.resolve("damaged.db");
        try (RemoteSql remote = new RemoteSql(server.url())) {
            remote.transaction("CREATE TABLE IF NOT EXISTS api_errors (id INTEGER PRIMARY KEY, v TEXT)",
                    "INSERT INTO api_errors (v) VALUES ('" + "x".repeat(3000) + "')");
            SyncClient client = build(path, server.url());
            client.open().block(WAIT);
            LocalSql.execute(client, "INSERT INTO api_errors (v) VALUES ('local')");
            client.checkpoint().block(WAIT);
            client.close().block(WAIT);
            remote.execute("INSERT INTO api_errors (v) VALUES ('remote')");
        }
        long pages = Files.size(path) / 4096;
        try (FileChannel file = FileChannel.open(path, StandardOpenOption.WRITE)) {
            byte[] garbage = new byte[4096];
            new Random(7).nextBytes(garbage);
            for (long page = 2; page <= pages; page++) {
                file.write(ByteBuffer.wrap(garbage), (page - 1) * 4096);
            }
        }
        SyncClient client = build(path, server.url());
        Map<String, Supplier<Object>> operations = new LinkedHashMap<>();
        operations.put("open", () -> client.open().block(WAIT));
        operations.putAll(operations(client));
        int failed = 0;
        for (Map.Entry<String, Supplier<Object>> operation : operations.entrySet()) {
            Throwable error = catchThrowable(() -> operation.getValue().get());
            if (error != null) {
                failed++;
                assertThat(error).as(operation.getKey()).isInstanceOf(TursoSyncException.class);
            }
        }
        assertThat(failed).as("operations that noticed the damage").isPositive();
        client.close().block(WAIT);
    }

    private static Map<String, Supplier<Object>> operations(SyncClient client) {
        Map<String, Supplier<Object>> operations = new LinkedHashMap<>();
        operations.put("clientId", client::clientId);
        operations.put("pullChanges", () -> client.pullChanges().collectList().block(WAIT));
        operations.put("push", () -> client.push().block(WAIT));
        operations.put("checkpoint", () -> client.checkpoint().block(WAIT));
        operations.put("sync", () -> client.sync().block(WAIT));
        operations.put("stats", () -> client.stats().block(WAIT));
        return operations;
    }

    private static SyncClient build(Path path, String url) {
        return SyncClient.builder().path(path).url(url).clientName("api-errors").retry(RetryOptions.none()).build();
    }
}
