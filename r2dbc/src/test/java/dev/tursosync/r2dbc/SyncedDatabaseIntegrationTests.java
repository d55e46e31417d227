package dev.tursosync.r2dbc;

import dev.tursosync.testing.RemoteSql;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tursosync.SyncClient;
import dev.tursosync.spi.LocalDatabase;
import dev.tursosync.spi.Lease;
import dev.tursosync.testing.LocalSyncServer;
import dev.tursosync.testing.TursoServerExtension;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.Result;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.data.annotation.Id;
import org.springframework.data.r2dbc.core.R2dbcEntityTemplate;
import org.springframework.data.r2dbc.repository.support.R2dbcRepositoryFactory;
import org.springframework.data.relational.core.mapping.Table;
import org.springframework.data.repository.reactive.ReactiveCrudRepository;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The driver on a database synced with a real {@code tursodb --sync-server}: Spring Data R2DBC and pulls. */
@ExtendWith(TursoServerExtension.class)
class SyncedDatabaseIntegrationTests {

    private static final Duration WAIT = Duration.ofSeconds(60);

    /** An entity mapped by Spring Data with no configuration beyond the driver on the class path. */
    @Table("person")
    record Person(@Id Long id, String name) {
    }

    /** A derived-query repository. */
    interface PersonRepository extends ReactiveCrudRepository<Person, Long> {
        Flux<Person> findByName(String name);
    }

    @Test
    void springDataWorksOnASyncedDatabase(LocalSyncServer server, @TempDir Path dir) {
        try (RemoteSql remote = new RemoteSql(server.url())) {
            remote.transaction("CREATE TABLE person (id INTEGER PRIMARY KEY, name TEXT)",
                    "INSERT INTO person (name) VALUES ('remote')");
            SyncClient client = open(dir, server);
            try {
                TursoConnectionFactory factory = TursoConnectionFactory.of(client);
                DatabaseClient databaseClient = DatabaseClient.create(factory);
                R2dbcEntityTemplate template = new R2dbcEntityTemplate(factory);
                PersonRepository people = new R2dbcRepositoryFactory(template).getRepository(PersonRepository.class);

                String remoteName = databaseClient.sql("SELECT name FROM person WHERE id = :id").bind("id", 1)
                        .map(row -> row.get("name", String.class)).one().block(WAIT);
                Person saved = template.insert(new Person(null, "template")).block(WAIT);
                Person fromRepository = people.save(new Person(null, "repository")).block(WAIT);
                List<Person> found = people.findByName("repository").collectList().block(WAIT);
                long count = people.count().block(WAIT);

                assertThat(remoteName).isEqualTo("remote");
                assertThat(saved.id()).isEqualTo(2L);
                assertThat(fromRepository.id()).isEqualTo(3L);
                assertThat(found).containsExactly(new Person(3L, "repository"));
                assertThat(count).isEqualTo(3);
            } finally {
                client.close().block(WAIT);
            }
        }
    }

    @Test
    void aPullWaitsForAnOpenTransactionAndLaterStatementsWaitForThePull(LocalSyncServer server,
            @TempDir Path dir) throws Exception {
        try (RemoteSql remote = new RemoteSql(server.url())) {
            remote.transaction("CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT)",
                    "INSERT INTO item (name) VALUES ('first')");
            SyncClient client = open(dir, server);
            try {
                TursoConnectionFactory factory = TursoConnectionFactory.of(client);
                remote.transaction("INSERT INTO item (name) VALUES ('pulled')");
                Connection inTransaction = Mono.from(factory.create()).block(WAIT);
                long before = Mono.from(inTransaction.beginTransaction()).then(count(inTransaction)).block(WAIT);

                // a lease of our own, held beside the transaction's, says when the pull waits for the database
                LocalDatabase database = client.localDatabase();
                Lease probe = database.lease(database.lane()).block(WAIT);
                CompletableFuture<Void> pull = client.pullChanges().then().toFuture();
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (!probe.othersWait() && System.nanoTime() < deadline) {
                    assertThat(pull).as("the pull cannot end while the transaction is open").isNotDone();
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                }
                assertThat(probe.othersWait()).as("the pull asks for the database").isTrue();
                probe.release().block(WAIT);
                assertThat(pull).as("the pull waits for the open transaction").isNotDone();

                Connection later = Mono.from(factory.create()).block(WAIT);
                CompletableFuture<Long> afterPull = count(later).toFuture();

                Mono.from(inTransaction.commitTransaction()).then(Mono.from(inTransaction.close())).block(WAIT);
                pull.get(60, TimeUnit.SECONDS);
                assertThat(before).isEqualTo(1);
                assertThat(afterPull.get(60, TimeUnit.SECONDS)).as("a statement queued behind the pull sees its row")
                        .isEqualTo(2);
                Mono.from(later.close()).block(WAIT);
            } finally {
                client.close().block(WAIT);
            }
        }
    }

    @Test
    void aPullRequestedWhile64ConnectionsSelectInALoopGetsInAndTheLoopsSeeItsRows(LocalSyncServer server,
            @TempDir Path dir) throws Exception {
        try (RemoteSql remote = new RemoteSql(server.url())) {
            remote.transaction("CREATE TABLE looped (id INTEGER PRIMARY KEY, name TEXT)",
                    "INSERT INTO looped (name) VALUES ('first')");
            SyncClient client = open(dir, server);
            try {
                TursoConnectionFactory factory = TursoConnectionFactory.of(client);
                remote.transaction("INSERT INTO looped (name) VALUES ('pulled')");
                int subscribers = 64;
                CountDownLatch looping = new CountDownLatch(subscribers);
                List<Connection> connections = Flux.range(0, subscribers).concatMap(i -> factory.create())
                        .collectList().block(WAIT);
                // each connection selects back to back (keeping its lease between selects) until it sees the pull
                CompletableFuture<List<Long>> lastCounts = Flux.fromIterable(connections)
                        .flatMap(connection -> Flux.defer(() -> count(connection, "looped")).repeat()
                                .index()
                                .doOnNext(seen -> {
                                    if (seen.getT1() == 10) {
                                        looping.countDown();
                                    }
                                })
                                .map(seen -> seen.getT2())
                                .takeUntil(rows -> rows == 2)
                                .last(), subscribers)
                        .collectList()
                        .toFuture();
                assertThat(looping.await(60, TimeUnit.SECONDS)).as("every connection loops")
                        .isTrue();

                client.pullChanges().then().block(WAIT);

                assertThat(lastCounts.get(60, TimeUnit.SECONDS)).hasSize(subscribers)
                        .containsOnly(2L);
                Flux.fromIterable(connections).flatMap(Connection::close).blockLast(WAIT);
            } finally {
                client.close().block(WAIT);
            }
        }
    }

    @Test
    void writesAndSchemaChangesThroughTheDriverArePushed(LocalSyncServer server, @TempDir Path dir) {
        SyncClient client = open(dir, server);
        SyncClient fresh = null;
        try {
            TursoConnectionFactory factory = TursoConnectionFactory.of(client);
            Flux.usingWhen(factory.create(), connection -> Flux.concat(
                            connection.beginTransaction(),
                            execute(connection, "CREATE TABLE pushed (id INTEGER PRIMARY KEY, label TEXT)"),
                            Flux.from(connection.createStatement("INSERT INTO pushed (label) VALUES ($1), ($2)")
                                    .bind("$1", "one").bind("$2", "two").execute())
                                    .flatMap(Result::getRowsUpdated),
                            execute(connection, "ALTER TABLE pushed RENAME COLUMN label TO name"),
                            execute(connection, "UPDATE pushed SET name = 'uno' WHERE id = 1"),
                            connection.commitTransaction()),
                    Connection::close).blockLast(WAIT);

            assertThat(client.stats().block(WAIT).pendingChanges()).isEqualTo(5);
            client.push().block(WAIT);

            fresh = SyncClient.builder().path(dir.resolve("fresh.db")).url(server.url()).clientName("fresh").build();
            fresh.open().block(WAIT);
            List<String> names = DatabaseClient.create(TursoConnectionFactory.of(fresh))
                    .sql("SELECT name FROM pushed ORDER BY id").map(row -> row.get("name", String.class)).all()
                    .collectList().block(WAIT);
            assertThat(names).containsExactly("uno", "two");
        } finally {
            client.close().block(WAIT);
            if (fresh != null) {
                fresh.close().block(WAIT);
            }
        }
    }

    private static Flux<Long> execute(Connection connection, String sql) {
        return Flux.from(connection.createStatement(sql).execute()).flatMap(Result::getRowsUpdated);
    }

    private static Mono<Long> count(Connection connection) {
        return count(connection, "item");
    }

    private static Mono<Long> count(Connection connection, String table) {
        return Flux.from(connection.createStatement("SELECT count(*) FROM " + table).execute())
                .flatMap((Result result) -> result.map(row -> row.get(0, Long.class)))
                .single();
    }

    private static SyncClient open(Path dir, LocalSyncServer server) {
        SyncClient client = SyncClient.builder().path(dir.resolve("app.db")).url(server.url()).clientName("r2dbc")
                .build();
        client.open().block(WAIT);
        return client;
    }
}
