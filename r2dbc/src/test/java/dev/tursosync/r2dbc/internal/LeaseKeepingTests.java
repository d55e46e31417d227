package dev.tursosync.r2dbc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tursosync.spi.StandaloneDatabase;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.Result;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * An R2DBC connection keeps its lease (shared permit and JDBC connection) across auto-commit statements that follow
 * each other at once, gives it back when it goes idle, and never keeps a request for the whole database waiting.
 */
class LeaseKeepingTests {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String SELECT = "SELECT data FROM items WHERE id = ?";
    private static final int ROWS = 100;

    @TempDir
    Path dir;

    private StandaloneDatabase database;
    private CountedLeases leases;

    @BeforeEach
    void open() throws InterruptedException {
        database = StandaloneDatabase.open(dir.resolve("app.db"), 4);
        leases = new CountedLeases(database);
        Connection setup = connection();
        Flux.concat(update(setup, "CREATE TABLE items (id INTEGER PRIMARY KEY, data TEXT)"),
                        update(setup, "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < "
                                + ROWS + ") INSERT INTO items SELECT n, 'row ' || n FROM c"))
                .blockLast(WAIT);
        Mono.from(setup.close()).block(WAIT);
        leases.awaitNoneHeld(WAIT);
        leases.reset();
    }

    @AfterEach
    void close() {
        database.close().block(WAIT);
    }

    @Test
    void autoCommitStatementsIssuedFromThePreviousOnesSignalKeepOneLease() throws InterruptedException {
        Connection connection = connection();

        // the loop starts from the first statement's signal, on its lane: a loop started on the test thread could
        // issue its second statement from there (Reactor's drain loops run on whichever thread is in them) after
        // the lane had already found the connection idle
        List<String> rows = select(connection, 1)
                .flatMapMany(first -> Flux.range(1, 199).concatMap(i -> select(connection, 1 + i % ROWS))
                        .startWith(first))
                .collectList()
                .block(WAIT);

        assertThat(rows).hasSize(200).startsWith("row 1", "row 2").endsWith("row 100");
        assertThat(leases.taken()).as("leases taken by 200 statements issued back to back").isEqualTo(1);
        leases.awaitNoneHeld(WAIT);
        assertThat(leases.released()).as("the lease, once the connection is idle").isEqualTo(1);
        // each statement's successor took the turn from its completion signal, before an idle check was queued: the
        // last statement's check gave the lease back (the first statement's signal may also have reached the test
        // thread's subscription first, which then issued the second statement after the check was queued)
        assertThat(leases.laneTasks()).as("idle checks queued for 200 statements issued back to back")
                .isBetween(1, 2);
    }

    @Test
    void statementsWaitingForTheTurnKeepTheLease() throws Exception {
        Connection connection = connection();
        AtomicReference<CompletableFuture<List<String>>> queued = new AtomicReference<>();

        // while the first statement holds the turn, its row's mapping issues 20 more: they queue for the turn
        String first = Flux.from(connection.createStatement(SELECT).bind(0, 1).execute())
                .flatMap(result -> result.map(row -> {
                    queued.set(Flux.range(2, 20).flatMapSequential(id -> select(connection, id), 20)
                            .collectList().toFuture());
                    return row.get(0, String.class);
                }))
                .single()
                .block(WAIT);

        assertThat(first).isEqualTo("row 1");
        assertThat(queued.get().get(WAIT.toSeconds(), TimeUnit.SECONDS)).hasSize(20).startsWith("row 2")
                .endsWith("row 21");
        assertThat(leases.taken()).as("leases taken by a statement and the 20 queued behind it").isEqualTo(1);
        leases.awaitNoneHeld(WAIT);
    }

    @Test
    void aConnectionThatGoesIdleGivesItsLeaseBack() throws InterruptedException {
        Connection connection = connection();

        assertThat(select(connection, 7).block(WAIT)).isEqualTo("row 7");
        leases.awaitNoneHeld(WAIT);
        assertThat(select(connection, 8).block(WAIT)).isEqualTo("row 8");
        leases.awaitNoneHeld(WAIT);

        assertThat(leases.taken()).as("one lease per statement issued after the connection went idle")
                .isEqualTo(2);
        assertThat(leases.released()).isEqualTo(2);
    }

    @Test
    void aStatementEndingWhileOtherWorkWaitsGivesItsLeaseBack() throws InterruptedException {
        Connection connection = connection();
        leases.othersWait(true);

        List<String> rows = Flux.range(1, 10).concatMap(id -> select(connection, id)).collectList().block(WAIT);

        assertThat(rows).hasSize(10);
        assertThat(leases.taken()).as("a lease per statement while other work waits").isEqualTo(10);
        leases.awaitNoneHeld(WAIT);
    }

    @Test
    void anExclusiveRequestGetsInBetweenStatementsOfConnectionsThatNeverPause() throws Exception {
        int connections = 8;
        CountDownLatch running = new CountDownLatch(connections * 50);
        List<Mono<Throwable>> loops = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            Connection connection = connection();
            int id = 1 + c;
            loops.add(Flux.defer(() -> select(connection, id)).doOnNext(row -> running.countDown()).repeat()
                    .then(Mono.<Throwable>empty())
                    .onErrorResume(Mono::just));
        }
        CompletableFuture<List<Throwable>> ended = Flux.merge(loops).collectList().toFuture();
        assertThat(running.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the loops run").isTrue();

        // closing waits for the exclusive permit, which needs every lease given back
        database.close().block(WAIT);

        assertThat(ended.get(WAIT.toSeconds(), TimeUnit.SECONDS)).as("each loop ends at its next lease")
                .hasSize(connections).allSatisfy(error -> assertThat(error).isInstanceOf(R2dbcException.class));
        assertThat(leases.released()).isEqualTo(leases.taken());
    }

    @Test
    void aFailingStatementLeavesTheLeaseFreeAndTheConnectionUsable() throws InterruptedException {
        Connection connection = connection();

        List<String> rows = Flux.concat(select(connection, 1),
                        Flux.from(connection.createStatement("INSERT INTO items VALUES (1, 'duplicate')").execute())
                                .flatMap(Result::getRowsUpdated)
                                .then(Mono.just("inserted"))
                                .onErrorResume(R2dbcException.class, e -> Mono.just("failed")),
                        select(connection, 1))
                .collectList()
                .block(WAIT);
        assertThat(rows).containsExactly("row 1", "failed", "row 1");
        assertThatThrownBy(() -> select(connection, 0).block(WAIT)).as("a select of no row").isNotNull();
        leases.awaitNoneHeld(WAIT);

        assertThat(select(connection, 2).block(WAIT)).isEqualTo("row 2");
        assertThat(Flux.from(connection.createStatement("SELECT count(*) FROM items").execute())
                .flatMap(result -> result.map(row -> row.get(0, Long.class))).single().block(WAIT))
                .as("nothing of the failed insert stayed").isEqualTo(ROWS);
        leases.awaitNoneHeld(WAIT);
    }

    @Test
    void cancellingAQueryMidStreamGivesTheLeaseBackOnceIdle() throws InterruptedException {
        Connection connection = connection();

        List<String> firstRows = Flux.from(connection.createStatement("SELECT data FROM items ORDER BY id")
                        .fetchSize(10).execute())
                .flatMap(result -> result.map(row -> row.get(0, String.class)), 1, 1)
                .take(3, true)
                .collectList()
                .block(WAIT);
        assertThat(firstRows).containsExactly("row 1", "row 2", "row 3");
        leases.awaitNoneHeld(WAIT);

        assertThat(select(connection, 50).block(WAIT)).as("the connection after the cancel").isEqualTo("row 50");
        leases.awaitNoneHeld(WAIT);
    }

    @Test
    void aStatementWhoseSubscriberCancelsItOnItsResultGivesTheLeaseBackOnceIdle() throws InterruptedException {
        Connection connection = connection();

        // Mono.from cancels the execution on its result, so the execution ends without a completion signal
        String row = Mono.from(connection.createStatement(SELECT).bind(0, 3).execute())
                .flatMap(result -> Mono.from(result.map(readable -> readable.get(0, String.class))))
                .block(WAIT);

        assertThat(row).isEqualTo("row 3");
        leases.awaitNoneHeld(WAIT);
        assertThat(leases.laneTasks()).as("the idle check that gave the lease back").isEqualTo(1);
    }

    @Test
    void aStatementThatIsNotARowChangeGivesItsLeaseBackAtItsEnd() throws InterruptedException {
        Connection connection = connection();

        Flux.concat(update(connection, "CREATE TABLE other (x)"), update(connection, "DROP TABLE other"),
                update(connection, "CREATE TABLE other (x)")).blockLast(WAIT);

        assertThat(leases.taken()).as("schema changes reset their lease at their end").isEqualTo(3);
        leases.awaitNoneHeld(WAIT);
    }

    private Connection connection() {
        return new TursoConnection(Mono.just(leases), Duration.ZERO);
    }

    private static Mono<String> select(Connection connection, int id) {
        return Flux.from(connection.createStatement(SELECT).bind(0, id).execute())
                .flatMap(result -> result.map(row -> row.get(0, String.class)))
                .single();
    }

    private static Flux<Long> update(Connection connection, String sql) {
        return Flux.from(connection.createStatement(sql).execute()).flatMap(Result::getRowsUpdated);
    }
}
