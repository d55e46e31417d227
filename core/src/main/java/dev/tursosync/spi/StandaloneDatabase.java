package dev.tursosync.spi;

import dev.tursosync.internal.db.ConnectionManager;
import java.nio.file.Path;
import java.util.Objects;
import reactor.core.publisher.Mono;

/**
 * A plain local SQLite database with the same threads, permits and lanes as a {@link dev.tursosync.SyncClient}'s,
 * but no sync and no change capture: for a statement layer that also serves files nobody syncs (the R2DBC driver's
 * {@code r2dbc:turso:} URLs without {@code url}). Whoever opens it closes it.
 */
public interface StandaloneDatabase extends LocalDatabase {

    /**
     * A database over a file; no connection is opened until the first lease.
     *
     * @param file           the database file, created on first use if missing
     * @param maxConnections how many connections (and database threads) may work at once, at least 1
     * @return the database
     * @throws IllegalArgumentException if {@code maxConnections} is below 1
     */
    static StandaloneDatabase open(Path file, int maxConnections) {
        return new ConnectionManager(Objects.requireNonNull(file, "file"), maxConnections);
    }

    /**
     * Waits for running work, then closes every connection; later leases fail with
     * {@link dev.tursosync.SyncClosedException}.
     *
     * @return completes when closed
     */
    Mono<Void> close();
}
