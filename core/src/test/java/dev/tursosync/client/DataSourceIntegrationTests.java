package dev.tursosync.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tursosync.SyncClient;
import dev.tursosync.spi.Lane;
import dev.tursosync.spi.Lease;
import dev.tursosync.spi.LocalDatabase;
import dev.tursosync.testing.LocalSyncServer;
import dev.tursosync.testing.TursoServerExtension;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The client's own connections for statement layers, captured and pushed: plain JDBC through
 * {@link SyncClient#dataSource()}, and leases of the service provider interface {@link SyncClient#localDatabase()}
 * as the R2DBC driver takes them.
 */
@ExtendWith(TursoServerExtension.class)
final class DataSourceIntegrationTests {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private final LocalSyncServer server;
    @TempDir
    Path dir;
    private SyncClient client;
    private RemoteSql remote;

    DataSourceIntegrationTests(LocalSyncServer server) {
        this.server = server;
    }

    @BeforeEach
    void open() {
        client = SyncClientsForTests.open(dir.resolve("ds.db"), server.url());
        remote = new RemoteSql(server.url());
    }

    @AfterEach
    void close() {
        client.close().block(WAIT);
        remote.close();
    }

    @Test
    void ddlAndRowsWrittenThroughJdbcArePushedInOrder() throws Exception {
        DataSource dataSource = client.dataSource();
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE ds_t (id INTEGER PRIMARY KEY, v TEXT, gone TEXT)");
            connection.setAutoCommit(false);
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO ds_t (id, v) VALUES (?, ?)")) {
                for (int id = 1; id <= 3; id++) {
                    insert.setInt(1, id);
                    insert.setString(2, "v" + id);
                    insert.addBatch();
                }
                assertThat(insert.executeBatch()).containsExactly(1, 1, 1);
            }
            assertThat(statement.executeUpdate("UPDATE ds_t SET v = 'two' WHERE id = 2"))
                    .as("the statement's own rows, not the capture triggers' too").isEqualTo(1);
            connection.commit();
            connection.setAutoCommit(true);
            statement.execute("ALTER TABLE ds_t DROP COLUMN gone");
            statement.execute("CREATE INDEX ds_t_v ON ds_t (v)");
        }

        assertThat(client.push().block(WAIT).changesPushed()).isGreaterThanOrEqualTo(6);
        assertThat(remote.query("SELECT id, v FROM ds_t ORDER BY id"))
                .containsExactly(List.of(1L, "v1"), List.of(2L, "two"), List.of(3L, "v3"));
        assertThat(remote.query("SELECT name FROM pragma_table_info('ds_t') ORDER BY cid"))
                .containsExactly(List.of("id"), List.of("v"));
        assertThat(remote.query("SELECT name FROM sqlite_schema WHERE name = 'ds_t_v'"))
                .containsExactly(List.of("ds_t_v"));
    }

    @Test
    void closingAConnectionRollsBackItsOpenTransactionAndLetsAPullIn() throws Exception {
        try (Connection connection = client.dataSource().getConnection(); Statement statement =
                connection.createStatement()) {
            statement.execute("CREATE TABLE ds_r (id INTEGER PRIMARY KEY)");
            connection.setAutoCommit(false);
            statement.execute("INSERT INTO ds_r VALUES (1)");
        }
        assertThat(LocalSql.query(client, "SELECT count(*) FROM ds_r")).containsExactly(List.of(0L));
        client.sync().block(WAIT);
        assertThat(remote.query("SELECT count(*) FROM ds_r")).containsExactly(List.of(0L));
        assertThat(client.stats().block(WAIT).pendingChanges()).isZero();
    }

    @Test
    void aNonBlockingThreadIsRefused() {
        DataSource dataSource = client.dataSource();
        assertThatThrownBy(() -> Mono.fromCallable(dataSource::getConnection)
                .subscribeOn(Schedulers.parallel())
                .block(WAIT))
                .hasCauseInstanceOf(SQLException.class)
                .hasMessageContaining("non-blocking thread");
    }

    @Test
    void schemaAndRowsWrittenOnALeaseArePushedInOrder() {
        LocalDatabase database = client.localDatabase();
        Lane lane = database.lane();
        Lease lease = database.lease(lane).block(WAIT);
        lease.run(connection -> {
            run(database, connection, "CREATE TABLE spi_t (id INTEGER PRIMARY KEY, v TEXT)");
            run(database, connection, "INSERT INTO spi_t VALUES (1, 'one'), (2, 'two')");
            run(database, connection, "ALTER TABLE spi_t ADD COLUMN w TEXT");
            run(database, connection, "UPDATE spi_t SET w = 'x' WHERE id = 2");
            return true;
        }).block(WAIT);
        lease.release().block(WAIT);

        assertThat(client.push().block(WAIT).changesPushed()).isGreaterThanOrEqualTo(5);
        assertThat(remote.query("SELECT id, v, w FROM spi_t ORDER BY id"))
                .containsExactly(Arrays.asList(1L, "one", null), List.of(2L, "two", "x"));
    }

    @Test
    void aTransactionLeftOpenIsRolledBackOnReleaseAndNothingIsPushed() {
        LocalSql.execute(client, "CREATE TABLE spi_r (id INTEGER PRIMARY KEY)");
        client.push().block(WAIT);
        LocalDatabase database = client.localDatabase();
        Lease lease = database.lease(database.lane()).block(WAIT);
        lease.run(connection -> {
            run(database, connection, "BEGIN");
            run(database, connection, "INSERT INTO spi_r VALUES (1)");
            return true;
        }).block(WAIT);
        lease.release().block(WAIT);

        assertThat(LocalSql.query(client, "SELECT count(*) FROM spi_r")).containsExactly(List.of(0L));
        assertThat(client.stats().block(WAIT).pendingChanges()).isZero();
        client.sync().block(WAIT);
        assertThat(remote.query("SELECT count(*) FROM spi_r")).containsExactly(List.of(0L));
    }

    /** Runs one statement the way a statement layer must: capture told before and after. */
    private static void run(LocalDatabase database, Connection connection, String sql) throws SQLException {
        database.beforeStatement(connection, sql);
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.execute();
        }
        database.afterStatement(connection, sql);
    }
}
