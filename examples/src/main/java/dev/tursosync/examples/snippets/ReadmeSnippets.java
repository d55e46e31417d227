package dev.tursosync.examples.snippets;

import dev.tursosync.SyncClient;
import dev.tursosync.r2dbc.TursoConnectionFactory;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import java.nio.file.Path;
import reactor.core.publisher.Flux;

/** The README's code. */
final class ReadmeSnippets {

    private ReadmeSnippets() {
    }

    static void syncClient() {
        // tag::readme-sync-client[]
        SyncClient client = SyncClient.builder()
                .path(Path.of("app.db"))                  // the local replica
                .url("http://127.0.0.1:8080")             // http(s):// or libsql://
                .clientName("orders-service")
                .build();
        client.changes().subscribe(System.out::println);  // hot stream of every pull's row events
        client.open()                                     // bootstrap or resume
                .thenMany(client.pullChanges())           // pull now; events once the changes are durable
                .blockLast();
        // ... local writes through R2DBC (below) ...
        client.push().block();                            // exactly once, in atomic batches
        client.sync().block();                            // push, then pull
        client.close().block();
        // end::readme-sync-client[]
    }

    static Flux<String> r2dbc(SyncClient client) {
        // tag::readme-r2dbc[]
        ConnectionFactory factory = TursoConnectionFactory.of(client);   // or, owning its own client:
        // ConnectionFactories.get("r2dbc:turso:///var/data/app.db?url=http://127.0.0.1:8080");
        Flux<String> names = Flux.usingWhen(factory.create(),
                connection -> Flux.from(connection.createStatement("SELECT name FROM person WHERE id > ?")
                                .bind(0, 10).execute())
                        .flatMap(result -> result.map(row -> row.get("name", String.class))),
                Connection::close);
        // end::readme-r2dbc[]
        return names;
    }
}
