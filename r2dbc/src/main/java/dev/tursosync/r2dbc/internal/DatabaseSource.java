package dev.tursosync.r2dbc.internal;

import dev.tursosync.SyncClient;
import dev.tursosync.internal.client.DefaultSyncClient;
import dev.tursosync.internal.db.ConnectionManager;
import java.nio.file.Path;
import reactor.core.publisher.Mono;

/** Where a connection factory gets its connection manager from, and what closing the factory closes. */
public final class DatabaseSource {

    private final Mono<ConnectionManager> managers;
    private final Mono<Void> close;

    private DatabaseSource(Mono<ConnectionManager> managers, Mono<Void> close) {
        this.managers = managers;
        this.close = close;
    }

    /**
     * The manager of a sync client the caller owns; closing the factory leaves the client open.
     *
     * @param client an opened client built by {@link SyncClient#builder()}
     * @return the source
     * @throws IllegalArgumentException for other {@link SyncClient} implementations
     */
    public static DatabaseSource borrowed(SyncClient client) {
        if (!(client instanceof DefaultSyncClient synced)) {
            throw new IllegalArgumentException("only clients built by SyncClient.builder() can be used, not "
                    + (client == null ? "null" : client.getClass().getName()));
        }
        return new DatabaseSource(Mono.fromCallable(synced::connections), Mono.empty());
    }

    /**
     * A sync client opened (and bootstrapped) on first use and closed with the factory.
     *
     * @param client the client, not opened yet
     * @return the source
     */
    public static DatabaseSource owned(SyncClient client) {
        DefaultSyncClient synced = (DefaultSyncClient) client;
        Mono<ConnectionManager> opened = synced.open()
                .then(Mono.fromCallable(synced::connections))
                .cacheInvalidateIf(manager -> false);
        return new DatabaseSource(opened, Mono.defer(client::close));
    }

    /**
     * A plain local database with its own connection manager, no sync.
     *
     * @param path           the database file
     * @param maxConnections database threads for ordinary work
     * @return the source
     */
    public static DatabaseSource local(Path path, int maxConnections) {
        ConnectionManager manager = new ConnectionManager(path, maxConnections);
        return new DatabaseSource(Mono.just(manager), Mono.defer(manager::close));
    }

    /**
     * The connection manager, opening what must be opened first.
     *
     * @return the manager
     */
    public Mono<ConnectionManager> managers() {
        return managers;
    }

    /**
     * Closes what this source owns.
     *
     * @return completes when closed
     */
    public Mono<Void> close() {
        return close;
    }
}
