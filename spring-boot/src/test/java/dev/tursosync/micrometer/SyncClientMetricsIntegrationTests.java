package dev.tursosync.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tursosync.ChangeEvent;
import dev.tursosync.SyncClient;
import dev.tursosync.r2dbc.TursoConnectionFactory;
import dev.tursosync.testing.LocalSyncServer;
import dev.tursosync.testing.TursoServerExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.r2dbc.core.DatabaseClient;

/** The binder without Spring, on a client of the real server. */
@ExtendWith(TursoServerExtension.class)
final class SyncClientMetricsIntegrationTests {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private final LocalSyncServer server;
    @TempDir
    Path dir;

    SyncClientMetricsIntegrationTests(LocalSyncServer server) {
        this.server = server;
    }

    @Test
    void pushesPullsAndEventsAreMeasured() {
        SyncClient writer = open("writer");
        SyncClient reader = open("reader");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (SyncClientMetrics metrics = new SyncClientMetrics(writer)) {
            metrics.bindTo(registry);
            DatabaseClient database = DatabaseClient.create(TursoConnectionFactory.of(writer));
            database.sql("CREATE TABLE m (id INTEGER PRIMARY KEY, v TEXT)").then().block(WAIT);
            database.sql("INSERT INTO m (v) VALUES ('a')").then().block(WAIT);
            database.sql("INSERT INTO m (v) VALUES ('b')").then().block(WAIT);
            // the results of these operations are published before push() and the pull complete
            writer.push().block(WAIT);
            reader.push().then(reader.pullChanges().then()).block(WAIT);
            List<ChangeEvent> events = writer.pullChanges().collectList().block(WAIT);
            writer.stats().block(WAIT);

            assertThat(registry.get("tursosync.push").tag("outcome", "success").timer().count()).isEqualTo(1);
            assertThat(registry.get("tursosync.pull").tag("outcome", "success").timer().count()).isEqualTo(1);
            assertThat(registry.get("tursosync.changes.pushed").counter().count()).isEqualTo(3);
            assertThat(registry.get("tursosync.bytes.sent").functionCounter().count()).isPositive();
            assertThat(registry.get("tursosync.bytes.received").functionCounter().count()).isPositive();
            assertThat(events).as("the pull brings the writer's own table back").isNotEmpty();
            events.stream().collect(Collectors.groupingBy(ChangeEvent::operation, Collectors.counting()))
                    .forEach((operation, count) -> assertThat(registry.get("tursosync.events")
                            .tag("operation", operation.name().toLowerCase(Locale.ROOT)).counter().count())
                            .as("%s events", operation).isEqualTo(count.doubleValue()));
            assertThat(registry.get("tursosync.lag").gauge().value()).isBetween(0.0, 60.0);
            assertThat(registry.get("tursosync.wal.bytes").gauge().value()).isNotNaN();
            assertThat(registry.get("tursosync.pending.changes").gauge().value()).isNotNaN();
        } finally {
            reader.close().block(WAIT);
            writer.close().block(WAIT);
        }
    }

    private SyncClient open(String name) {
        SyncClient client = SyncClient.builder().path(dir.resolve(name + ".db")).url(server.url()).clientName(name)
                .build();
        client.open().block(WAIT);
        return client;
    }
}
