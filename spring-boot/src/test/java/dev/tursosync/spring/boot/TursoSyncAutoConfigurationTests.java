package dev.tursosync.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tursosync.SyncClient;
import dev.tursosync.SyncState;
import dev.tursosync.r2dbc.TursoConnectionFactory;
import dev.tursosync.testing.LocalSyncServer;
import dev.tursosync.testing.TursoServerExtension;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.ConnectionFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.data.r2dbc.R2dbcDataAutoConfiguration;
import org.springframework.boot.autoconfigure.r2dbc.R2dbcAutoConfiguration;
import org.springframework.boot.autoconfigure.r2dbc.R2dbcTransactionManagerAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/**
 * The auto-configuration against the real server: which beans exist for which properties, that each backs off for
 * the application's own, that the replica is open before the context is, that invalid properties and a failed first
 * bootstrap fail startup clearly, and that an existing replica opens without its remote.
 */
@ExtendWith(TursoServerExtension.class)
final class TursoSyncAutoConfigurationTests {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private final LocalSyncServer server;
    @TempDir
    Path dir;

    TursoSyncAutoConfigurationTests(LocalSyncServer server) {
        this.server = server;
    }

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(TursoSyncAutoConfiguration.class,
                R2dbcAutoConfiguration.class, R2dbcDataAutoConfiguration.class,
                R2dbcTransactionManagerAutoConfiguration.class));
    }

    private ApplicationContextRunner synced(String name) {
        return runner().withPropertyValues("tursosync.path=" + dir.resolve(name + ".db"),
                "tursosync.url=" + server.url(), "tursosync.client-name=" + name);
    }

    @Test
    void withoutAUrlNothingIsConfigured() {
        runner().withPropertyValues("spring.r2dbc.url=r2dbc:turso:///" + dir.resolve("plain.db"))
                .run(context -> {
                    assertThat(context).hasNotFailed().doesNotHaveBean(SyncClient.class)
                            .doesNotHaveBean(BackgroundSync.class);
                    assertThat(context.getBean(ConnectionFactory.class).getMetadata().getName())
                            .isEqualTo(TursoConnectionFactory.NAME);
                });
    }

    @Test
    void springR2dbcUrlAloneGivesAReplicaThatSyncsInTheBackground() {
        runner().withPropertyValues("spring.r2dbc.url=r2dbc:turso://" + dir.resolve("url-only.db") + "?url="
                + server.url() + "&clientName=url-only").run(context -> {
                    assertThat(context).hasNotFailed().doesNotHaveBean(SyncClient.class);
                    SyncClient client = TursoConnectionFactory.clientOf(context.getBean(ConnectionFactory.class))
                            .orElseThrow();
                    Mono<Long> pushed = client.operations().scan(0L, (sum, result) -> sum + result.changesPushed())
                            .filter(sum -> sum >= 2).next().cache();
                    pushed.subscribe();
                    DatabaseClient database = context.getBean(DatabaseClient.class);
                    database.sql("CREATE TABLE url_only (v TEXT)").then().block(WAIT);
                    database.sql("INSERT INTO url_only VALUES ('reached the remote')").then().block(WAIT);

                    assertThat(pushed.block(WAIT)).isEqualTo(2);
                    SyncClient fresh = SyncClient.builder().path(dir.resolve("fresh.db")).url(server.url())
                            .clientName("fresh").build();
                    fresh.open().block(WAIT);
                    try {
                        assertThat(DatabaseClient.create(TursoConnectionFactory.of(fresh))
                                .sql("SELECT v FROM url_only").map(row -> row.get("v", String.class)).all()
                                .collectList().block(WAIT)).containsExactly("reached the remote");
                    } finally {
                        fresh.close().block(WAIT);
                    }
                });
    }

    @Test
    void aUrlGivesAnOpenClientItsBackgroundSyncAndAPooledConnectionFactory() {
        synced("pooled").run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(SyncClient.class).hasSingleBean(BackgroundSync.class)
                    .hasSingleBean(R2dbcTransactionManager.class);
            SyncClient client = context.getBean(SyncClient.class);
            assertThat(client.clientId()).as("opened during startup").startsWith("pooled-");
            assertThat(context.getBean(BackgroundSync.class).isRunning()).isTrue();
            assertThat(context.getBean(ConnectionFactory.class)).isInstanceOf(ConnectionPool.class);
            DatabaseClient database = context.getBean(DatabaseClient.class);
            database.sql("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)").then().block(WAIT);
            database.sql("INSERT INTO t (v) VALUES (:v)").bind("v", "a").then().block(WAIT);
            assertThat(database.sql("SELECT v FROM t").map(row -> row.get("v", String.class)).all()
                    .collectList().block(WAIT)).containsExactly("a");
        });
    }

    @Test
    void withThePoolDisabledTheFactoryIsTheDriversOwn() {
        synced("unpooled").withPropertyValues("spring.r2dbc.pool.enabled=false").run(context ->
                assertThat(context.getBean(ConnectionFactory.class)).isInstanceOf(TursoConnectionFactory.class));
    }

    @Test
    void backgroundSyncCanBeTurnedOff() {
        synced("manual").withPropertyValues("tursosync.auto-sync.enabled=false").run(context ->
                assertThat(context).hasNotFailed().hasSingleBean(SyncClient.class).doesNotHaveBean(BackgroundSync.class));
    }

    @Test
    void theApplicationsOwnBeansWin() {
        synced("own").withUserConfiguration(OwnConnectionFactory.class).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(ConnectionFactory.class)).isSameAs(OwnConnectionFactory.FACTORY);
        });
        SyncClient own = SyncClient.builder().path(dir.resolve("mine.db")).url(server.url()).clientName("mine").build();
        own.open().block(WAIT);
        try {
            runner().withBean(SyncClient.class, () -> own).run(context -> {
                assertThat(context).hasNotFailed().hasSingleBean(BackgroundSync.class);
                assertThat(context.getBean(SyncClient.class)).isSameAs(own);
                assertThat(context.getBean(ConnectionFactory.class)).isInstanceOf(ConnectionPool.class);
            });
        } finally {
            own.close().block(WAIT);
        }
    }

    @Test
    void theContextClosesTheClientAfterStoppingBackgroundSync() {
        SyncClient[] client = new SyncClient[1];
        synced("closing").run(context -> client[0] = context.getBean(SyncClient.class));
        assertThat(client[0].status().blockLast(WAIT).state()).isEqualTo(SyncState.CLOSED);
    }

    @Test
    void anInvalidPropertyFailsStartupWithABindingError() {
        synced("invalid").withPropertyValues("tursosync.push-batch-size=0").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessage("pushBatchSize must be at least 1");
            assertThat(messages(context.getStartupFailure())).contains("Failed to bind properties under 'tursosync'")
                    .contains("Unable to set value for property push-batch-size");
        });
        synced("invalid2").withPropertyValues("tursosync.auto-sync.pull-interval=0s").run(context -> {
            assertThat(context.getStartupFailure()).rootCause().hasMessage("pullInterval must be positive");
            assertThat(messages(context.getStartupFailure())).contains("Failed to bind properties under 'tursosync.auto-sync'")
                    .contains("Unable to set value for property pull-interval");
        });
    }

    @Test
    void aFailedFirstBootstrapFailsStartupWithTheRootCauseInOneLine() throws IOException {
        runner().withPropertyValues("tursosync.path=" + dir.resolve("never.db"),
                "tursosync.url=http://127.0.0.1:" + unusedPort(), "tursosync.auth-token=secret-token-value",
                "tursosync.retry.max-retries=0").run(context -> {
                    assertThat(context).hasFailed();
                    ReplicaOpenException failure = findCause(context.getStartupFailure(), ReplicaOpenException.class);
                    assertThat(failure.getMessage()).startsWith("cannot open the replica " + dir.resolve("never.db"))
                            .endsWith("Connection refused").doesNotContain("\n")
                            .doesNotContain("secret-token-value");
                    FailureAnalysis analysis = new ReplicaOpenFailureAnalyzer().analyze(context.getStartupFailure());
                    assertThat(analysis.getDescription()).isEqualTo("tursosync " + failure.getMessage());
                });
    }

    @Test
    void anExistingReplicaOpensWithoutItsRemote() throws IOException {
        synced("offline").withPropertyValues("tursosync.auto-sync.enabled=false").run(context ->
                assertThat(context).hasNotFailed());
        runner().withPropertyValues("tursosync.path=" + dir.resolve("offline.db"),
                "tursosync.url=http://127.0.0.1:" + unusedPort(), "tursosync.retry.max-retries=0",
                "tursosync.auto-sync.enabled=false").run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(SyncClient.class).clientId()).startsWith("offline-");
                });
    }

    private static String messages(Throwable error) {
        StringBuilder all = new StringBuilder();
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            all.append(cause.getMessage()).append('\n');
        }
        return all.toString();
    }

    private static <T extends Throwable> T findCause(Throwable error, Class<T> type) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return type.cast(cause);
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " in " + error);
    }

    private static int unusedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnConnectionFactory {

        static final ConnectionFactory FACTORY = TursoConnectionFactory.local(Path.of("unused.db"));

        @Bean
        ConnectionFactory connectionFactory() {
            return FACTORY;
        }
    }
}
