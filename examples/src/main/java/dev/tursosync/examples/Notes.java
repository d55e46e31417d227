package dev.tursosync.examples;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Result;
import io.r2dbc.spi.Statement;
import java.util.function.Function;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The demo's table {@code demo_notes}, read and written through R2DBC. */
final class Notes {

    private static final String CREATE_TABLE =
            "CREATE TABLE IF NOT EXISTS demo_notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)";

    private final ConnectionFactory factory;

    Notes(ConnectionFactory factory) {
        this.factory = factory;
    }

    /** Creates the table, and empties it in case an earlier run left notes there. */
    Mono<Void> createEmpty() {
        return inTransaction(connection -> Flux.concat(
                update(connection, CREATE_TABLE),
                update(connection, "DELETE FROM demo_notes")));
    }

    /** Adds the notes in one transaction. */
    Mono<Void> add(String first, String... more) {
        return inTransaction(connection -> {
            Statement insert = connection.createStatement("INSERT INTO demo_notes (body) VALUES (?)").bind(0, first);
            for (String body : more) {
                insert.add().bind(0, body);
            }
            return Flux.from(insert.execute()).flatMap(Result::getRowsUpdated);
        });
    }

    /** Rewrites one note and deletes another, in one transaction. */
    Mono<Void> editAndRemove(String from, String to, String removed) {
        return inTransaction(connection -> Flux.concat(
                update(connection, "UPDATE demo_notes SET body = ? WHERE body = ?", to, from),
                update(connection, "DELETE FROM demo_notes WHERE body = ?", removed)));
    }

    /** The notes, oldest first. */
    Flux<String> bodies() {
        return Flux.usingWhen(factory.create(),
                connection -> Flux.from(connection.createStatement("SELECT body FROM demo_notes ORDER BY id").execute())
                        .flatMap(result -> result.map(row -> row.get("body", String.class))),
                Connection::close);
    }

    /** Runs the work between BEGIN and COMMIT; closing the connection rolls back if the work fails. */
    private Mono<Void> inTransaction(Function<Connection, Publisher<?>> work) {
        return Mono.usingWhen(factory.create(),
                connection -> Mono.from(connection.beginTransaction())
                        .thenMany(work.apply(connection))
                        .then(Mono.from(connection.commitTransaction())),
                Connection::close);
    }

    private static Flux<Long> update(Connection connection, String sql, Object... args) {
        Statement statement = connection.createStatement(sql);
        for (int i = 0; i < args.length; i++) {
            statement.bind(i, args[i]);
        }
        return Flux.from(statement.execute()).flatMap(Result::getRowsUpdated);
    }
}
