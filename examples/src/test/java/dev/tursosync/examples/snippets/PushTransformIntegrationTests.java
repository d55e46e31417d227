package dev.tursosync.examples.snippets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tursosync.PushRejectedException;
import dev.tursosync.SyncClient;
import dev.tursosync.r2dbc.TursoConnectionFactory;
import dev.tursosync.testing.LocalSyncServer;
import dev.tursosync.testing.TursoServerExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.r2dbc.core.DatabaseClient;

/** The transform hook shown in {@code docs/push.md} does what the page says, on two replicas of one server. */
@ExtendWith(TursoServerExtension.class)
final class PushTransformIntegrationTests {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path folder;
    private final List<SyncClient> clients = new ArrayList<>();

    @AfterEach
    void closeClients() {
        clients.forEach(client -> client.close().block(WAIT));
    }

    @Test
    void aTagAnotherClientPushedFirstIsKeptInsteadOfFailingThePush(LocalSyncServer server) {
        Replica a = open(server, "a", true);
        a.sql("CREATE TABLE tag (id INTEGER PRIMARY KEY, name TEXT UNIQUE)");
        a.client.sync().block(WAIT);
        Replica b = open(server, "b", true);
        Replica plain = open(server, "plain", false);

        a.sql("INSERT INTO tag (name) VALUES ('work'), ('home')");      // ids 1 and 2
        b.sql("INSERT INTO tag (name) VALUES ('home'), ('garden')");    // ids 1 and 2 on b
        plain.sql("INSERT INTO tag (name) VALUES ('home')");            // id 1 on plain
        a.client.sync().block(WAIT);
        b.client.sync().block(WAIT);

        assertThat(b.names()).as("b after its sync").containsExactlyInAnyOrder("work", "home", "garden");
        assertThatThrownBy(() -> plain.client.push().block(WAIT)).as("the same push without the hook")
                .isInstanceOf(PushRejectedException.class).hasMessageContaining("UNIQUE");
    }

    @Test
    void aDeletedInvoiceIsNotPushedAndComesBackWithTheNextPull(LocalSyncServer server) {
        Replica a = open(server, "a", true);
        a.sql("CREATE TABLE invoice (id INTEGER PRIMARY KEY, total REAL)");
        a.sql("INSERT INTO invoice (total) VALUES (12.5)");
        a.client.sync().block(WAIT);

        a.sql("DELETE FROM invoice");
        a.client.sync().block(WAIT);

        assertThat(a.client.stats().block(WAIT).pendingChanges()).isZero();
        assertThat(a.count("invoice")).as("a's invoices after the sync").isEqualTo(1);
    }

    private Replica open(LocalSyncServer server, String name, boolean withHook) {
        SyncClient.Builder builder = SyncClient.builder().path(folder.resolve(name + ".db")).url(server.url())
                .clientName(name);
        if (withHook) {
            builder.transform(PushSnippets.transform());
        }
        SyncClient client = builder.build();
        clients.add(client);
        client.open().block(WAIT);
        return new Replica(client);
    }

    /** A replica and SQL on it. */
    private static final class Replica {
        final SyncClient client;
        final DatabaseClient db;

        Replica(SyncClient client) {
            this.client = client;
            this.db = DatabaseClient.create(TursoConnectionFactory.of(client));
        }

        void sql(String sql) {
            db.sql(sql).then().block(WAIT);
        }

        List<String> names() {
            return db.sql("SELECT name FROM tag").map(row -> row.get("name", String.class)).all().collectList()
                    .block(WAIT);
        }

        long count(String table) {
            return db.sql("SELECT count(*) AS n FROM " + table).map(row -> row.get("n", Long.class)).one()
                    .block(WAIT);
        }
    }
}
