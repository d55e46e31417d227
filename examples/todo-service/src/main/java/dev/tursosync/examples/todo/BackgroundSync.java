package dev.tursosync.examples.todo;

import dev.tursosync.AutoSyncOptions;
import dev.tursosync.SyncClient;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;

/**
 * Runs the client's background sync ({@link SyncClient#autoSync(AutoSyncOptions)}) while the application runs: a
 * push shortly after each local commit, a pull every {@code todo.sync.interval}, a checkpoint when the WAL is large,
 * and a backoff when the remote cannot be reached. {@code GET /health} shows what it is doing.
 */
@Component
public class BackgroundSync implements SmartLifecycle {

    private final SyncClient client;
    private final AutoSyncOptions options;
    private Disposable running;

    /**
     * Background sync of the given client with the {@code todo.sync.*} timings.
     *
     * @param client     the open client
     * @param properties the settings
     */
    public BackgroundSync(SyncClient client, SyncProperties properties) {
        this.client = client;
        this.options = AutoSyncOptions.builder()
                .pullInterval(properties.interval())
                .pushDebounce(properties.pushDebounce())
                .build();
    }

    /** Starts background sync once the application is ready. */
    // tag::background-sync[]
    @Override
    public synchronized void start() {
        running = client.autoSync(options);
    }

    @Override
    public synchronized void stop() {
        running.dispose();       // cancels what runs; an apply that started still finishes
        running = null;
    }
    // end::background-sync[]

    @Override
    public synchronized boolean isRunning() {
        return running != null;
    }
}
