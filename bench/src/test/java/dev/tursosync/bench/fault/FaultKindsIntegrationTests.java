package dev.tursosync.bench.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.tursosync.RetryOptions;
import dev.tursosync.SyncClient;
import dev.tursosync.TursoSyncException;
import dev.tursosync.internal.client.DefaultSyncClient;
import dev.tursosync.internal.db.ConnectionManager;
import dev.tursosync.testing.FaultConfig;
import dev.tursosync.testing.FaultKind;
import dev.tursosync.testing.FaultProxy;
import dev.tursosync.testing.LocalSyncServer;
import dev.tursosync.testing.TursoServerExtension;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.Exceptions;

/**
 * Each fault kind of {@link FaultProxy} on its own, against a Java client without retries: a push and a pull under
 * the fault fail with a {@link TursoSyncException} (transient, except for the proxy's own {@code 500}) or, for a
 * delay, succeed; once the fault is gone, a sync pushes the pending row exactly once.
 */
@ExtendWith(TursoServerExtension.class)
final class FaultKindsIntegrationTests {

    private static final Duration WAIT = Duration.ofSeconds(30);
    /**
     * The client's timeouts: without retries, any request slower than this fails, so it must be far above what a
     * loaded machine needs for a normal request (the 1 s it was is within reach of a load average of 25, where a JVM
     * start took 47 s), not a measure of speed. The stall is longer still, so a stalled request always ends in the client's timeout.
     */
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration STALL = CLIENT_TIMEOUT.multipliedBy(2);
    private static final String TABLE = "fault_kinds";

    private final LocalSyncServer server;

    FaultKindsIntegrationTests(LocalSyncServer server) {
        this.server = server;
    }

    @ParameterizedTest
    @EnumSource(FaultKind.class)
    void aFaultFailsTheOperationWithATypedErrorAndLosesNothing(FaultKind kind, @TempDir Path dir) {
        FaultConfig config = FaultConfig.builder().probability(kind, 1).responseOffsets(20, 40)
                .delay(Duration.ofMillis(50), Duration.ofMillis(100)).stall(STALL).build();
        try (FaultProxy proxy = new FaultProxy(server.port(), kind.ordinal(), config)) {
            proxy.faultsOn(false);
            SyncClient client = SyncClient.builder().path(dir.resolve("kinds.db")).url(proxy.url())
                    .clientName("kinds").retry(RetryOptions.none()).connectTimeout(CLIENT_TIMEOUT)
                    .responseTimeout(CLIENT_TIMEOUT).build();
            try {
                client.open().block(WAIT);
                execute(client, "CREATE TABLE IF NOT EXISTS " + TABLE + " (id INTEGER PRIMARY KEY, tag TEXT)");
                client.push().block(WAIT);
                String tag = kind + "-" + System.nanoTime();
                execute(client, "INSERT INTO " + TABLE + " (tag) VALUES ('" + tag + "')");

                proxy.faultsOn(true);
                expectOutcome(kind, "push()", () -> client.push().block(WAIT));
                expectOutcome(kind, "pullChanges()", () -> client.pullChanges().then().block(WAIT));
                assertThat(proxy.counts().faults().get(kind)).as("%s injected", kind).isGreaterThanOrEqualTo(2);

                proxy.faultsOn(false);
                client.sync().block(WAIT);
                assertThat(client.stats().block(WAIT).pendingChanges()).isZero();
                assertThat(count(client, tag)).as("rows of %s after the sync", tag).isEqualTo(1);
            } finally {
                client.close().block(WAIT);
            }
        }
    }

    private static void expectOutcome(FaultKind kind, String operation, Supplier<Object> work) {
        Throwable error = catchThrowable(work::get);
        if (kind == FaultKind.DELAY) {
            assertThat(error).as("%s under a delay", operation).isNull();
            return;
        }
        Throwable cause = error == null ? null : Exceptions.unwrap(error);
        assertThat(cause).as("the error of %s under %s", operation, kind).isInstanceOf(TursoSyncException.class);
        assertThat(((TursoSyncException) cause).isTransient()).as("%s under %s is transient: %s", operation, kind,
                cause).isEqualTo(kind != FaultKind.HTTP_500);
    }

    private static void execute(SyncClient client, String sql) {
        ConnectionManager connections = ((DefaultSyncClient) client).connections();
        connections.withConnection(connection -> {
            try (Statement statement = connection.createStatement()) {
                statement.execute(sql);
            }
            connections.afterStatement(connection, sql);
            return true;
        }).block(WAIT);
    }

    private static long count(SyncClient client, String tag) {
        return ((DefaultSyncClient) client).connections().withConnection(connection -> {
            try (Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT count(*) FROM " + TABLE + " WHERE tag = '" + tag
                         + "'")) {
                rows.next();
                return rows.getLong(1);
            }
        }).block(WAIT);
    }
}
