package dev.tursosync.client;

import dev.tursosync.SyncClient;
import java.nio.file.Path;
import java.time.Duration;

/** Opens clients the way the tests need them. */
final class SyncClientsForTests {

    private SyncClientsForTests() {
    }

    static SyncClient open(Path path, String url) {
        SyncClient client = SyncClient.builder().path(path).url(url).clientName("test").build();
        client.open().block(Duration.ofSeconds(60));
        return client;
    }
}
