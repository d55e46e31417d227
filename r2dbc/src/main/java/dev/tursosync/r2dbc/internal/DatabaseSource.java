package dev.tursosync.r2dbc.internal;

import dev.tursosync.SyncClient;
import dev.tursosync.internal.client.DefaultSyncClient;
import dev.tursosync.internal.db.ConnectionManager;
import java.nio.file.Path;
import java.util.Optional;
import reactor.core.publisher.Mono;

/** Where a connection factory gets its connection manager from, and what closing the factory closes. */
public final class DatabaseSource {

    private final Mono<ConnectionManager> managers;
    private final Mono<Void> close;
    private final SyncClient client;

    private DatabaseSource(Mono<ConnectionManager> managers, Mono<Void> close, SyncClient client) {
        this.managers = managers;
        this.close = close;
        this.client = client;
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
        return new DatabaseSource(Mono.fromCallable(synced::connections), Mono.empty(), client);
    }

    /**
     * A sync client opened (and bootstrapped) on first use, then synced in the background if asked, and closed with
     * the factory (which stops its background sync).
     *
     * @param client   the client, not opened yet
     * @param autoSync whether to start the client's background sync once it is open
     * @return the source
     */
    public static DatabaseSource owned(SyncClient client, boolean autoSync) {
        DefaultSyncClient synced = (DefaultSyncClient) client;
        Mono<ConnectionManager> opened = synced.open()
                .then(Mono.fromRunnable(() -> {
                    if (autoSync) {
                        synced.autoSync();
                    }
                }))
                .then(Mono.fromCallable(synced::connections))
                .cacheInvalidateIf(manager -> false);
        return new DatabaseSource(opened, Mono.defer(client::close), client);
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
        return new DatabaseSource(Mono.just(manager), Mono.defer(manager::close), null);
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
     * The sync client behind the connections.
     *
     * @return the client, or empty for a plain local database
     */
    public Optional<SyncClient> client() {
        return Optional.ofNullable(client);
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
