package dev.tursosync.r2dbc.internal;

import dev.tursosync.SyncClient;
import dev.tursosync.spi.LocalDatabase;
import dev.tursosync.spi.StandaloneDatabase;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import reactor.core.publisher.Mono;

/** Where a connection factory gets its database from, and what closing the factory closes. */
public final class DatabaseSource {

    private final Mono<LocalDatabase> databases;
    private final Mono<Void> close;
    private final SyncClient client;

    private DatabaseSource(Mono<LocalDatabase> databases, Mono<Void> close, SyncClient client) {
        this.databases = databases;
        this.close = close;
        this.client = client;
    }

    /**
     * The database of a sync client the caller owns; closing the factory leaves the client open.
     *
     * @param client an opened client
     * @return the source
     */
    public static DatabaseSource borrowed(SyncClient client) {
        Objects.requireNonNull(client, "client");
        return new DatabaseSource(Mono.fromCallable(client::localDatabase), Mono.empty(), client);
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
        Mono<LocalDatabase> opened = client.open()
                .then(Mono.fromRunnable(() -> {
                    if (autoSync) {
                        client.autoSync();
                    }
                }))
                .then(Mono.fromCallable(client::localDatabase))
                .cacheInvalidateIf(database -> false);
        return new DatabaseSource(opened, Mono.defer(client::close), client);
    }

    /**
     * A plain local database of its own, no sync.
     *
     * @param path           the database file
     * @param maxConnections database threads for ordinary work
     * @return the source
     */
    public static DatabaseSource local(Path path, int maxConnections) {
        StandaloneDatabase database = StandaloneDatabase.open(path, maxConnections);
        return new DatabaseSource(Mono.just(database), Mono.defer(database::close), null);
    }

    /**
     * The database, opening what must be opened first.
     *
     * @return the database
     */
    public Mono<LocalDatabase> databases() {
        return databases;
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
