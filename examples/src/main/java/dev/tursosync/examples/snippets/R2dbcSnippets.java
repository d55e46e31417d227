package dev.tursosync.examples.snippets;

import dev.tursosync.SyncClient;
import dev.tursosync.r2dbc.TursoConnectionFactory;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.ConnectionFactory;
import java.nio.file.Path;
import org.springframework.data.annotation.Id;
import org.springframework.data.r2dbc.core.R2dbcEntityTemplate;
import org.springframework.data.r2dbc.repository.support.R2dbcRepositoryFactory;
import org.springframework.data.relational.core.mapping.Table;
import org.springframework.data.repository.reactive.ReactiveCrudRepository;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/** The code of {@code docs/r2dbc.md}. */
final class R2dbcSnippets {

    private R2dbcSnippets() {
    }

    /** A row of {@code person}. */
    @Table("person")
    record Person(@Id Long id, String name) {
    }

    /** Spring Data's repository of persons. */
    interface PersonRepository extends ReactiveCrudRepository<Person, Long> {
    }

    static ConnectionFactory fromClient() {
        // tag::r2dbc-from-client[]
        SyncClient client = SyncClient.builder().path(Path.of("app.db")).url("http://127.0.0.1:8080").build();
        client.open().block();
        ConnectionFactory factory = TursoConnectionFactory.of(client);      // or of(client, statementTimeout)
        // end::r2dbc-from-client[]
        return factory;
    }

    static ConnectionPool pool(ConnectionFactory factory) {
        // tag::r2dbc-pool[]
        ConnectionPool pool = new ConnectionPool(ConnectionPoolConfiguration.builder(factory)
                .maxSize(8)
                .preRelease(c -> Mono.from(c.rollbackTransaction()).then(Mono.from(c.setAutoCommit(true))))
                .build());
        // end::r2dbc-pool[]
        return pool;
    }

    static PersonRepository spring(ConnectionFactory factory) {
        // tag::r2dbc-spring-data[]
        DatabaseClient db = DatabaseClient.create(factory);
        db.sql("SELECT name FROM person WHERE id = :id").bind("id", 1).map(row -> row.get("name", String.class)).one();
        R2dbcEntityTemplate template = new R2dbcEntityTemplate(factory);
        PersonRepository people = new R2dbcRepositoryFactory(template).getRepository(PersonRepository.class);
        // end::r2dbc-spring-data[]
        return people;
    }
}
