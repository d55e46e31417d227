package dev.tursosync.r2dbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tursosync.OperationResult;
import dev.tursosync.SyncClient;
import dev.tursosync.SyncState;
import dev.tursosync.SyncStatus;
import dev.tursosync.testing.LocalSyncServer;
import dev.tursosync.testing.TursoServerExtension;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactoryOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * A factory from an R2DBC URL with {@code url=...} owns a client that syncs in the background (unless
 * {@code autoSync=false}), and {@link TursoConnectionFactory#client()} reaches it.
 */
@ExtendWith(TursoServerExtension.class)
class UrlOwnedClientIntegrationTests {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private final LocalSyncServer server;
    @TempDir
    Path dir;

    UrlOwnedClientIntegrationTests(LocalSyncServer server) {
        this.server = server;
    }

    private TursoConnectionFactory fromUrl(String file, String options) {
        return (TursoConnectionFactory) ConnectionFactories.get("r2dbc:turso://" + dir.resolve(file) + "?url="
                + server.url() + "&clientName=" + file.replace(".db", "") + options);
    }

    @Test
    void writesThroughAFactoryFromAUrlArePushedInTheBackground() {
        TursoConnectionFactory factory = fromUrl("background.db", "");
        SyncClient client = factory.client().orElseThrow();
        Mono<Long> pushed = client.operations()
                .filter(result -> result.outcome() == OperationResult.Outcome.SUCCESS)
                .scan(0L, (sum, result) -> sum + result.changesPushed())
                .filter(sum -> sum >= 2)
                .next().cache();
        pushed.subscribe();
        try {
            DatabaseClient database = DatabaseClient.create(factory);
            database.sql("CREATE TABLE bg (id INTEGER PRIMARY KEY, v TEXT)").then().block(WAIT);
            database.sql("INSERT INTO bg (v) VALUES ('pushed by background sync')").then().block(WAIT);

            assertThat(pushed.block(WAIT)).as("the CREATE TABLE and the INSERT, pushed by background sync").isEqualTo(2);
            assertThat(remoteValues()).containsExactly("pushed by background sync");
        } finally {
            factory.close().block(WAIT);
        }
        assertThat(client.status().blockLast(WAIT).state()).isEqualTo(SyncState.CLOSED);
    }

    @Test
    void withAutoSyncOffNothingSyncsUntilTheApplicationCallsSyncOnTheClient() {
        TursoConnectionFactory factory = fromUrl("manual.db", "&autoSync=false");
        SyncClient client = factory.client().orElseThrow();
        List<SyncStatus> statuses = new CopyOnWriteArrayList<>();
        Disposable watching = client.status().subscribe(statuses::add);
        try {
            DatabaseClient database = DatabaseClient.create(factory);
            database.sql("CREATE TABLE manual (id INTEGER PRIMARY KEY, v TEXT)").then().block(WAIT);
            database.sql("INSERT INTO manual (v) VALUES ('pushed by sync()')").then().block(WAIT);
            assertThat(client.stats().block(WAIT).pendingChanges()).isEqualTo(2);
            assertThat(statuses).extracting(SyncStatus::state).doesNotContain(SyncState.PUSHING);

            client.sync().block(WAIT);

            assertThat(client.stats().block(WAIT).pendingChanges()).isZero();
        } finally {
            watching.dispose();
            factory.close().block(WAIT);
        }
    }

    @Test
    void theOptionIsParsedAndChecked() {
        ConnectionFactoryOptions off = ConnectionFactoryOptions.parse("r2dbc:turso:///tmp/x.db?url=http://h&autoSync=false");
        ConnectionFactoryOptions on = ConnectionFactoryOptions.parse("r2dbc:turso:///tmp/x.db?url=http://h");
        ConnectionFactoryOptions bad = ConnectionFactoryOptions.parse("r2dbc:turso:///tmp/x.db?url=http://h&autoSync=no");

        assertThat(TursoConnectionFactoryProvider.configuration(off).autoSync()).isFalse();
        assertThat(TursoConnectionFactoryProvider.configuration(on).autoSync()).isTrue();
        assertThatThrownBy(() -> TursoConnectionFactoryProvider.configuration(bad))
                .hasMessageContaining("autoSync must be true or false, not 'no'")
                .hasMessageContaining(TursoConnectionFactoryProvider.EXPECTED_FORM);
        assertThat(TursoConnectionFactory.local(dir.resolve("local.db")).client()).isEmpty();
    }

    private List<String> remoteValues() {
        SyncClient fresh = SyncClient.builder().path(dir.resolve("fresh.db")).url(server.url()).clientName("fresh")
                .build();
        fresh.open().block(WAIT);
        try {
            return DatabaseClient.create(TursoConnectionFactory.of(fresh)).sql("SELECT v FROM bg")
                    .map(row -> row.get("v", String.class)).all().collectList().block(WAIT);
        } finally {
            fresh.close().block(WAIT);
        }
    }
}
