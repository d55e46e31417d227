package dev.tursosync.examples.snippets;

import dev.tursosync.SyncClient;
import dev.tursosync.r2dbc.TursoConnectionFactory;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Result;
import java.nio.file.Path;
import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The first program of {@code docs/getting-started.md}; {@code GettingStartedIntegrationTests} runs it. */
final class GettingStarted {

    private GettingStarted() {
    }

    static List<String> run(Path folder, String url) {
        // tag::getting-started[]
        SyncClient client = SyncClient.builder()
                .path(folder.resolve("app.db"))   // the local replica, created by the first open()
                .url(url)                         // your database: http(s):// or libsql://
                .build();                         // (Turso Cloud also needs .authToken(token))
        client.open().block();                    // the first time, this downloads the database

        ConnectionFactory factory = TursoConnectionFactory.of(client);
        String createTable = "CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, body TEXT)";
        Mono.usingWhen(factory.create(),
                connection -> Flux.concat(
                                connection.createStatement(createTable).execute(),
                                connection.createStatement("INSERT INTO notes (body) VALUES (?)")
                                        .bind(0, "hello").execute())
                        .flatMap(Result::getRowsUpdated)
                        .then(),
                Connection::close)
                .block();                         // local writes: no network involved

        client.sync().block();                    // push the local changes, then pull everyone else's

        List<String> notes = Flux.usingWhen(factory.create(),
                        connection -> Flux.from(connection.createStatement("SELECT body FROM notes").execute())
                                .flatMap(result -> result.map(row -> row.get("body", String.class))),
                        Connection::close)
                .collectList()
                .block();
        client.close().block();
        // end::getting-started[]
        return notes;
    }
}
