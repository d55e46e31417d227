package dev.tursosync.examples.snippets;

import dev.tursosync.AutoSyncOptions;
import dev.tursosync.SyncClient;
import dev.tursosync.SyncState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/** The code of the background sync, status and retry sections of {@code docs/sync-client.md}. */
final class BackgroundSyncSnippets {

    private BackgroundSyncSnippets() {
    }

    static Disposable autoSync(SyncClient client) {
        // tag::autosync[]
        Disposable background = client.autoSync(AutoSyncOptions.builder()
                .pushDebounce(Duration.ofMillis(250))     // push 250 ms after a commit, with the commits since
                .pullInterval(Duration.ofSeconds(1))      // a pull at most every second
                .build());
        client.changes().subscribe(event -> System.out.println("remote change: " + event));
        // ... on shutdown
        background.dispose();
        // end::autosync[]
        return background;
    }

    static Disposable status(SyncClient client) {
        // tag::status-stream[]
        Disposable watching = client.status()
                .filter(status -> status.state() == SyncState.BACKING_OFF)
                .subscribe(status -> System.out.println("sync failing: " + status.error().orElseThrow()
                        + ", next attempt at " + status.nextAttempt().orElseThrow()));
        // end::status-stream[]
        return watching;
    }

    static SyncClient refreshingToken(Supplier<Mono<String>> identityProvider) {
        // tag::token-refresh[]
        SyncClient client = SyncClient.builder()
                .path(Path.of("app.db"))
                .url("libsql://app-acme.turso.io")
                .authToken(() -> identityProvider.get())  // asked per request; again after a 401
                .build();
        // end::token-refresh[]
        return client;
    }
}
