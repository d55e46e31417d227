package dev.tursosync.examples.snippets;

import dev.tursosync.MutationResult;
import dev.tursosync.SyncClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/** The code of {@code docs/configuration.md}. */
final class ConfigurationSnippets {

    private ConfigurationSnippets() {
    }

    static SyncClient everyOption(Supplier<Mono<String>> tokens, String base64Key) {
        // tag::configuration-every-option[]
        SyncClient client = SyncClient.builder()
                .path(Path.of("/var/data/orders.db"))            // required
                .url("libsql://orders-acme.turso.io")            // required
                .authToken(tokens)                               // or .authToken("a fixed token"); default none
                .encryptionKey(base64Key)                        // default none
                .clientName("orders-service")                    // default "tursosync-java"
                .longPollTimeout(Duration.ZERO)                  // default: no long poll
                .bootstrapIfEmpty(true)                          // default true
                .resetShare(0.5)                                 // default 0.5
                .connectTimeout(Duration.ofSeconds(10))          // default 10 s
                .responseTimeout(Duration.ofSeconds(30))         // default 30 s
                .maxConnections(4)                               // default 4
                .pushBatchSize(1000)                             // default 1000
                .autoCheckpointWalBytes(64L * 1024 * 1024)       // default 64 MiB; 0 = never
                .transform(mutation -> MutationResult.keep())    // default: push every change as captured
                .build();
        // end::configuration-every-option[]
        return client;
    }
}
