package dev.tursosync.spring.boot;

import dev.tursosync.AutoSyncOptions;
import dev.tursosync.SyncClient;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;

/**
 * Runs the client's background sync ({@link SyncClient#autoSync(AutoSyncOptions)}) while the application context
 * runs: started before the web server takes requests, stopped after it stops, before the client closes.
 */
public class BackgroundSync implements SmartLifecycle {

    /** Starts before and stops after the web server (whose phase is below {@code DEFAULT_PHASE - 1024}). */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

    private final SyncClient client;
    private final AutoSyncOptions options;
    private Disposable running;

    /**
     * Creates the lifecycle; nothing runs before {@link #start()}.
     *
     * @param client  the open client
     * @param options the timings
     */
    public BackgroundSync(SyncClient client, AutoSyncOptions options) {
        this.client = client;
        this.options = options;
    }

    @Override
    public synchronized void start() {
        if (running == null) {
            running = client.autoSync(options);
        }
    }

    @Override
    public synchronized void stop() {
        if (running != null) {
            running.dispose();   // cancels what runs; an apply that started still finishes
            running = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return running != null;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
