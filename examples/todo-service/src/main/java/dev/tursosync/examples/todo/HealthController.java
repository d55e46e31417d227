package dev.tursosync.examples.todo;

import dev.tursosync.SyncClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * {@code GET /health}: the sync status. Always 200 while the service runs: it serves its replica even when the
 * remote cannot be reached, and {@link SyncHealth#status()} says whether syncing works.
 */
@RestController
public class HealthController {

    private final SyncClient client;
    private final BackgroundSync backgroundSync;

    /**
     * Reports on the given client and its background sync.
     *
     * @param client         the open client
     * @param backgroundSync the background sync
     */
    public HealthController(SyncClient client, BackgroundSync backgroundSync) {
        this.client = client;
        this.backgroundSync = backgroundSync;
    }

    /**
     * The sync status.
     *
     * @return the last background sync and the client's counters
     */
    @GetMapping("/health")
    public Mono<SyncHealth> health() {
        return client.stats().map(stats -> SyncHealth.of(backgroundSync.lastOutcome().orElse(null), stats));
    }
}
