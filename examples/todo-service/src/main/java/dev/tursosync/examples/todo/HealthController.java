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

    /**
     * Reports on the given client.
     *
     * @param client the open client
     */
    public HealthController(SyncClient client) {
        this.client = client;
    }

    /**
     * The sync status.
     *
     * @return what the client is doing, its last error and successes, and its counters
     */
    // tag::health-endpoint[]
    @GetMapping("/health")
    public Mono<SyncHealth> health() {
        return Mono.zip(client.status().next(), client.stats(), SyncHealth::of);
    }
    // end::health-endpoint[]
}
