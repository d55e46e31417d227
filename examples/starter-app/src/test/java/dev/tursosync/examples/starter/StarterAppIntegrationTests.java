package dev.tursosync.examples.starter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tursosync.SyncClient;
import dev.tursosync.spring.boot.test.LocalTursoSyncServer;
import dev.tursosync.testing.LocalSyncServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The application built as docs/spring-boot.md says (Boot's starter parent, the starter alone, the sqlite-jdbc
 * property), against the real server: it runs on the versions Maven resolved for it, and a repository write reaches
 * another replica.
 */
@SpringBootTest(classes = StarterApplication.class)
@LocalTursoSyncServer
final class StarterAppIntegrationTests {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Autowired
    GreetingRepository greetings;
    @Autowired
    SyncClient client;
    @Autowired
    LocalSyncServer server;
    @TempDir
    Path dir;

    @Test
    void runsOnTheSqliteJdbcVersionTheDocsName() throws Exception {
        assertThat(org.sqlite.SQLiteJDBCLoader.getVersion()).isEqualTo("3.53.4.0");
    }

    @Test
    void aRepositoryWriteReachesAnotherReplica() throws Exception {
        Greeting saved = greetings.save(new Greeting(null, "hello from the starter app")).block(WAIT);
        client.push().block(WAIT);

        SyncClient other = SyncClient.builder().path(dir.resolve("other.db")).url(server.url())
                .clientName("other").build();
        other.open().block(WAIT);
        try (Connection connection = other.dataSource().getConnection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT id, text FROM greeting")) {
            List<String> seen = new ArrayList<>();
            while (rows.next()) {
                seen.add(rows.getLong(1) + ":" + rows.getString(2));
            }
            assertThat(seen).containsExactly(saved.id() + ":hello from the starter app");
        } finally {
            other.close().block(WAIT);
        }
    }
}
