package dev.tursosync.examples.todo;

import dev.tursosync.SyncClient;
import dev.tursosync.SyncResult;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Syncs the replica in the background: one {@link SyncClient#sync()} (push, then pull) when the application starts
 * and then every {@code todo.sync.interval}, until it stops. A failed sync is logged and recorded, and the next tick
 * simply tries again; a tick that comes while a sync still runs is dropped.
 *
 * <p>This stands in for a background sync of the client itself, which does not exist yet. It is the only class that
 * schedules syncs, and {@link #lastOutcome()} is all that the rest of the service reads from it.
 */
@Component
public class BackgroundSync implements SmartLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(BackgroundSync.class);

    private final Supplier<Mono<SyncResult>> sync;
    private final Duration interval;
    private final AtomicReference<SyncOutcome> lastOutcome = new AtomicReference<>();
    private Disposable ticks;

    /**
     * Syncs the given client every {@link SyncProperties#interval()}.
     *
     * @param client     the open client
     * @param properties the settings
     */
    @Autowired
    public BackgroundSync(SyncClient client, SyncProperties properties) {
        this(client::sync, properties.interval());
    }

    BackgroundSync(Supplier<Mono<SyncResult>> sync, Duration interval) {
        this.sync = sync;
        this.interval = interval;
    }

    /** Starts the ticks; the first sync runs at once. */
    // tag::background-sync[]
    @Override
    public synchronized void start() {
        ticks = Flux.interval(Duration.ZERO, interval)
                .onBackpressureDrop()                     // a sync is still running: skip this tick
                .concatMap(tick -> syncOnce(), 0)         // ask for the next tick once the sync is over
                .subscribe(lastOutcome::set);
    }

    private Mono<SyncOutcome> syncOnce() {
        return Mono.defer(sync)
                .map(SyncOutcome::succeeded)
                .onErrorResume(error -> {
                    LOG.warn("Background sync failed, next try in {}: {}", interval, error.toString());
                    return Mono.just(SyncOutcome.failed(error));
                });
    }
    // end::background-sync[]

    /** Stops the ticks and cancels a sync in flight; closing the client afterwards waits for its running work. */
    @Override
    public synchronized void stop() {
        if (ticks != null) {
            ticks.dispose();
            ticks = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return ticks != null;
    }

    /**
     * How the last background sync ended.
     *
     * @return the outcome, empty until the first sync ends
     */
    public Optional<SyncOutcome> lastOutcome() {
        return Optional.ofNullable(lastOutcome.get());
    }
}
