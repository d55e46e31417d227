package dev.tursosync.r2dbc;

import dev.tursosync.SyncClient;
import dev.tursosync.r2dbc.internal.DatabaseSource;
import dev.tursosync.r2dbc.internal.TursoConnection;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import io.r2dbc.spi.Wrapped;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * R2DBC connections to the SQLite database of a {@link SyncClient} (or to a plain local database). All JDBC work
 * runs on the client's database threads, never on the subscriber's thread, and every statement holds one of the
 * client's shared permits: a pull waits for running statements and open transactions, and statements wait for a
 * running pull. A connection holds nothing between statements in auto-commit mode, so pooled idle connections never
 * hold pulls back.
 *
 * <pre>{@code
 * SyncClient client = SyncClient.builder().path(Path.of("app.db")).url("http://localhost:8080").build();
 * client.open().block();
 * ConnectionFactory factory = TursoConnectionFactory.of(client);
 * }</pre>
 */
public final class TursoConnectionFactory implements ConnectionFactory {

    /** The name in {@link ConnectionFactoryMetadata}; Spring Data R2DBC picks its SQLite dialect by it. */
    public static final String NAME = "Turso";

    private static final ConnectionFactoryMetadata METADATA = () -> NAME;

    private final DatabaseSource source;
    private final Duration statementTimeout;

    private TursoConnectionFactory(DatabaseSource source, Duration statementTimeout) {
        this.source = source;
        this.statementTimeout = statementTimeout;
    }

    /**
     * Connections to the database of an open sync client; closing the factory leaves the client open.
     *
     * @param client an opened client, usually built by {@link SyncClient#builder()}; the factory leases its
     *               connections through {@link SyncClient#localDatabase()}
     * @return the factory
     */
    public static TursoConnectionFactory of(SyncClient client) {
        return of(client, Duration.ZERO);
    }

    /**
     * Connections to the database of an open sync client, with a statement timeout.
     *
     * @param client           an opened client, usually built by {@link SyncClient#builder()}
     * @param statementTimeout how long one statement step may run; zero for no limit
     * @return the factory
     */
    public static TursoConnectionFactory of(SyncClient client, Duration statementTimeout) {
        return new TursoConnectionFactory(DatabaseSource.borrowed(client), statementTimeout);
    }

    /**
     * Connections to a plain local SQLite database (no sync); {@link #close()} closes it.
     *
     * @param path the database file
     * @return the factory
     */
    public static TursoConnectionFactory local(Path path) {
        return create(TursoConnectionConfiguration.builder().path(path).build());
    }

    /**
     * A factory that owns what it opens: with a URL, a sync client opened and bootstrapped on the first connection,
     * which then runs background sync unless {@link TursoConnectionConfiguration.Builder#autoSync(boolean)} turned it
     * off; without, a plain local database. {@link #close()} closes it. {@link #client()} reaches the client.
     *
     * @param configuration what to open
     * @return the factory
     */
    public static TursoConnectionFactory create(TursoConnectionConfiguration configuration) {
        DatabaseSource source = configuration.url()
                .map(url -> DatabaseSource.owned(client(configuration, url), configuration.autoSync()))
                .orElseGet(() -> DatabaseSource.local(configuration.path(), configuration.maxConnections()));
        return new TursoConnectionFactory(source, configuration.statementTimeout());
    }

    private static SyncClient client(TursoConnectionConfiguration configuration, String url) {
        SyncClient.Builder builder = SyncClient.builder()
                .path(configuration.path())
                .url(url)
                .maxConnections(configuration.maxConnections());
        configuration.authToken().ifPresent(builder::authToken);
        configuration.clientName().ifPresent(builder::clientName);
        return builder.build();
    }

    /**
     * The sync client behind the connections, for {@code sync()}, {@code changes()}, {@code status()} and
     * {@code stats()}: the one given to {@link #of(SyncClient)}, or the one this factory owns (from a URL with
     * {@code url=...}). An owned client opens with the first connection; until then its operations fail with
     * {@link dev.tursosync.SyncClosedException}, and subscribing to its {@code open()} opens it (the same opening the
     * first connection waits for). Behind r2dbc-pool or Spring Boot's wrappers, use {@link #clientOf(ConnectionFactory)}.
     *
     * @return the client, or empty for a plain local database
     */
    public Optional<SyncClient> client() {
        return source.client();
    }

    /**
     * The sync client behind any connection factory that is, or wraps, a Turso factory: for the factory Spring Boot
     * makes from {@code spring.r2dbc.url} (a pool around an options wrapper around this one), through
     * {@link Wrapped#unwrap()}.
     *
     * @param factory a connection factory
     * @return the client, or empty if no Turso factory with a sync client is behind it
     */
    public static Optional<SyncClient> clientOf(ConnectionFactory factory) {
        @Nullable Object current = factory;
        while (current != null) {
            if (current instanceof TursoConnectionFactory turso) {
                return turso.client();
            }
            current = current instanceof Wrapped<?> wrapped ? wrapped.unwrap() : null;
        }
        return Optional.empty();
    }

    @Override
    public Mono<Connection> create() {
        return Mono.fromSupplier(() -> new TursoConnection(source.databases(), statementTimeout));
    }

    @Override
    public ConnectionFactoryMetadata getMetadata() {
        return METADATA;
    }

    /**
     * Closes what this factory opened itself (a sync client or a local database); a factory made with
     * {@link #of(SyncClient)} leaves the client open.
     *
     * @return completes when closed
     */
    public Mono<Void> close() {
        return source.close();
    }

    @Override
    public String toString() {
        return "TursoConnectionFactory";
    }
}
