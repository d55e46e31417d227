package dev.tursosync.r2dbc;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ValidationDepth;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcOperations;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * The R2DBC TCK again, through r2dbc-pool and with {@code :name} markers bound by name: pooled connections must be
 * reset between uses (auto-commit restored, transactions ended) and names must bind. The deviations are the same
 * as in {@link TursoTckTests}, inherited from {@link SqliteTestKit}.
 */
class PooledNamedMarkersTckTests extends SqliteTestKit<String> {

    private static LocalDatabase database;
    private static ConnectionPool pool;

    @BeforeAll
    static void openPool() throws Exception {
        database = new LocalDatabase(Files.createTempDirectory("tck-pool").resolve("tck.db"));
        pool = new ConnectionPool(ConnectionPoolConfiguration.builder(database.factory())
                .initialSize(2)
                .maxSize(4)
                .validationQuery("SELECT 1")
                .preRelease(PooledNamedMarkersTckTests::reset)
                .build());
    }

    @AfterAll
    static void closePool() {
        pool.disposeLater().block(Duration.ofSeconds(30));
        database.close();
    }

    /**
     * r2dbc-pool rolls back only transactions begun through {@code beginTransaction()}; one opened by
     * {@code createSavepoint} or {@code setAutoCommit(false)} would go back to the pool still open, and an open
     * SQLite write transaction blocks every other writer. The documented pool setup (docs/r2dbc.md) therefore resets
     * connections on release; this kit uses the same setup.
     */
    static Mono<Void> reset(Connection connection) {
        return Mono.from(connection.rollbackTransaction()).then(Mono.from(connection.setAutoCommit(true)));
    }

    /**
     * After {@code close()}, r2dbc-pool's {@code PooledConnection.validate} asks the physical connection, which
     * the pool keeps open for the next borrower, so it answers {@code true}. The driver's own answer (false after
     * close) is checked by {@link TursoTckTests#validate()}; here the physical connection's state is checked.
     */
    @Override
    @Test
    public void validate() {
        Mono.from(getConnectionFactory().create())
                .flatMapMany(connection -> Flux.concat(connection.validate(ValidationDepth.LOCAL),
                        connection.validate(ValidationDepth.REMOTE), connection.close()))
                .as(StepVerifier::create)
                .expectNext(true).as("successful local validation")
                .expectNext(true).as("successful remote validation")
                .verifyComplete();
    }

    @Override
    public ConnectionFactory getConnectionFactory() {
        return pool;
    }

    @Override
    public JdbcOperations getJdbcOperations() {
        return database.jdbc();
    }

    @Override
    public String getPlaceholder(int index) {
        return ":p" + index;
    }

    @Override
    public String getIdentifier(int index) {
        return "p" + index;
    }
}
