package dev.tursosync.examples.snippets;

import dev.tursosync.AutoSyncOptions;
import dev.tursosync.MutationResult;
import dev.tursosync.RetryOptions;
import dev.tursosync.SyncClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/** The code of {@code docs/configuration.md}. */
final class ConfigurationSnippets {

    private ConfigurationSnippets() {
    }

    static SyncClient everyOption(Supplier<Mono<String>> tokens, String base64Key, Path caPemFile) {
        // tag::configuration-every-option[]
        SyncClient client = SyncClient.builder()
                .path(Path.of("/var/data/orders.db"))            // required
                .url("libsql://orders-acme.turso.io")            // required
                .authToken(tokens)                               // or .authToken("a fixed token"); default none
                .encryptionKey(base64Key, "aegis256")            // or .encryptionKey(base64Key); default none
                .trustCertificates(caPemFile)                    // default: the JDK's trusted authorities
                .httpClient(http -> http.wiretap(false))         // default: the client as configured
                .clientName("orders-service")                    // default "tursosync-java"
                .longPollTimeout(Duration.ZERO)                  // default: no long poll
                .bootstrapIfEmpty(true)                          // default true
                .resetShare(0.5)                                 // default 0.5
                .connectTimeout(Duration.ofSeconds(10))          // default 10 s
                .responseTimeout(Duration.ofSeconds(30))         // default 30 s
                .maxConnections(4)                               // default 4
                .pushBatchSize(1000)                             // default 1000
                .autoCheckpointWalBytes(64L * 1024 * 1024)       // default 64 MiB; 0 = never
                .pullMemoryBytes(8L * 1024 * 1024)               // default 8 MiB; 0 = stage every pull in a file
                .retry(RetryOptions.defaults())                  // default: 3 retries, 250 ms doubling to 5 s
                .transform(mutation -> MutationResult.keep())    // default: push every change as captured
                .build();
        // end::configuration-every-option[]
        return client;
    }

    static RetryOptions retryOptions() {
        // tag::configuration-retry[]
        RetryOptions retry = RetryOptions.builder()
                .maxRetries(3)                                   // default 3; RetryOptions.none() for 0
                .firstBackoff(Duration.ofMillis(250))            // default 250 ms
                .maxBackoff(Duration.ofSeconds(5))               // default 5 s
                .jitter(0.5)                                     // default 0.5
                .build();
        // end::configuration-retry[]
        return retry;
    }

    static AutoSyncOptions autoSyncOptions() {
        // tag::configuration-autosync[]
        AutoSyncOptions background = AutoSyncOptions.builder()
                .pushDebounce(Duration.ofMillis(250))            // default 250 ms
                .pullInterval(Duration.ofSeconds(1))             // default 1 s
                .firstBackoff(Duration.ofSeconds(1))             // default 1 s
                .maxBackoff(Duration.ofSeconds(60))              // default 60 s
                .jitter(0.5)                                     // default 0.5
                .pull(true)                                      // default true
                .push(true)                                      // default true
                .build();
        // end::configuration-autosync[]
        return background;
    }
}
