package dev.tursosync.r2dbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.r2dbc.spi.Blob;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.IsolationLevel;
import io.r2dbc.spi.R2dbcDataIntegrityViolationException;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.R2dbcPermissionDeniedException;
import io.r2dbc.spi.R2dbcTimeoutException;
import io.r2dbc.spi.Result;
import io.r2dbc.spi.TransactionDefinition;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Types, markers, transactions, cancellation, timeouts and discovery against a local database. */
class DriverBehaviourTests {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private LocalDatabase database;

    @BeforeEach
    void open() {
        database = new LocalDatabase(dir.resolve("app.db"));
    }

    @AfterEach
    void close() {
        database.close();
    }

    private <T> List<T> with(Function<Connection, Publisher<T>> work) {
        return Flux.usingWhen(database.factory().create(), work, Connection::close).collectList().block(WAIT);
    }

    private static Flux<Long> update(Connection connection, String sql) {
        return Flux.from(connection.createStatement(sql).execute()).flatMap(Result::getRowsUpdated);
    }

    @Test
    void valuesRoundTripWithTheirDocumentedEncodings() {
        database.jdbc().execute("CREATE TABLE v (i INTEGER, r REAL, t TEXT, b BLOB, d TEXT, dt TEXT, ts TEXT,"
                + " u TEXT, bd TEXT, big TEXT, flag INTEGER, n INTEGER)");
        UUID uuid = UUID.randomUUID();
        Instant instant = Instant.parse("2024-03-01T10:15:30.123Z");
        List<List<Object>> rows = with(connection -> Flux.from(connection
                        .createStatement("INSERT INTO v VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                        .bind(0, 7).bind(1, 2.5).bind(2, "text").bind(3, ByteBuffer.wrap(new byte[] {1, 2}))
                        .bind(4, LocalDate.of(2024, 1, 31)).bind(5, LocalDateTime.of(2024, 1, 31, 13, 45, 0, 500_000_000))
                        .bind(6, instant).bind(7, uuid).bind(8, new BigDecimal("12345678901234567890.0123"))
                        .bind(9, BigInteger.ONE.shiftLeft(70)).bind(10, true).bindNull(11, Long.class)
                        .execute())
                .flatMap(Result::getRowsUpdated)
                .thenMany(Flux.from(connection.createStatement("SELECT * FROM v").execute()))
                .flatMap(result -> result.map((row, metadata) -> List.<Object>of(
                        row.get("i"), row.get("i", Integer.class), row.get("r"), row.get("t"),
                        row.get("b"), row.get("b", byte[].class).length,
                        row.get("d", String.class), row.get("d", LocalDate.class),
                        row.get("dt", String.class), row.get("dt", LocalDateTime.class), row.get("ts", String.class),
                        row.get("ts", Instant.class), row.get("u", UUID.class), row.get("bd", BigDecimal.class),
                        row.get("big", BigInteger.class), row.get("flag", Boolean.class),
                        String.valueOf(row.get("n")), metadata.getColumnMetadata("i").getJavaType()))));

        assertThat(rows).containsExactly(List.of(7L, 7, 2.5, "text", ByteBuffer.wrap(new byte[] {1, 2}), 2,
                "2024-01-31", LocalDate.of(2024, 1, 31), "2024-01-31 13:45:00.5",
                LocalDateTime.of(2024, 1, 31, 13, 45, 0, 500_000_000), "2024-03-01 10:15:30.123Z", instant, uuid,
                new BigDecimal("12345678901234567890.0123"), BigInteger.ONE.shiftLeft(70), true, "null", Long.class));
    }

    @Test
    void badBindsAndReadsFailClearly() {
        database.jdbc().execute("CREATE TABLE v (i INTEGER)");
        with(connection -> {
            var statement = connection.createStatement("INSERT INTO v VALUES (:i)");
            assertThatThrownBy(() -> statement.bind("i", new Object())).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> statement.bind("i", io.r2dbc.spi.Parameters.out(Long.class)))
                    .hasMessageContaining("OUT");
            return Mono.empty();
        });
        database.jdbc().execute("INSERT INTO v VALUES (4000000000)");
        assertThatThrownBy(() -> with(connection -> Flux.from(connection.createStatement("SELECT i FROM v").execute())
                .flatMap(result -> result.map(row -> row.get(0, Integer.class)))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("INTEGER");
    }

    @Test
    void namedMarkersOfEverySqliteFormBind() {
        List<Object> values = with(connection -> Flux.from(connection
                        .createStatement("SELECT ?2 + 0, ?1 || '', :a, @b, $c, :a")
                        .bind(0, "one").bind(1, 2).bind("a", "A").bind("@b", "B").bind("$c", 3)
                        .execute())
                .flatMap(result -> result.map(row -> List.of(row.get(0), row.get(1), row.get(2), row.get(3),
                        row.get(4), row.get(5)))));
        assertThat(values).containsExactly(List.of(2L, "one", "A", "B", 3L, "A"));
    }

    @Test
    void generatedValuesComeFromReturning() {
        database.jdbc().execute("CREATE TABLE g (id INTEGER PRIMARY KEY, name TEXT)");
        List<Long> ids = with(connection -> Flux.from(connection.createStatement("INSERT INTO g (name) VALUES (?)")
                        .bind(0, "a").add().bind(0, "b").returnGeneratedValues("id").execute())
                .concatMap(result -> result.map(row -> row.get("id", Long.class))));
        assertThat(ids).containsExactly(1L, 2L);
    }

    @Test
    void transactionsRestoreAutoCommitAndReadOnlyRejectsWrites() {
        database.jdbc().execute("CREATE TABLE t (x INTEGER UNIQUE)");
        List<Object> states = with(connection -> Flux.concat(
                Mono.just(connection.isAutoCommit()),
                Mono.from(connection.beginTransaction()).then(Mono.fromSupplier(connection::isAutoCommit)),
                update(connection, "INSERT INTO t VALUES (1)"),
                Mono.from(connection.commitTransaction()).then(Mono.fromSupplier(connection::isAutoCommit)),
                Mono.just(connection.getTransactionIsolationLevel()),
                Mono.from(connection.beginTransaction(readOnly())).then(Mono.just("read-only")),
                update(connection, "INSERT INTO t VALUES (2)").onErrorResume(R2dbcPermissionDeniedException.class,
                        denied -> Mono.just(-1L)),
                Mono.from(connection.rollbackTransaction()).then(Mono.fromSupplier(connection::isAutoCommit)),
                update(connection, "INSERT INTO t VALUES (3)"),
                update(connection, "INSERT INTO t VALUES (3)").onErrorResume(
                        R2dbcDataIntegrityViolationException.class, violation -> Mono.just(-2L))));
        assertThat(states).containsExactly(true, false, 1L, true, IsolationLevel.SERIALIZABLE, "read-only", -1L,
                true, 1L, -2L);
        assertThat(database.jdbc().queryForList("SELECT x FROM t", Long.class)).containsExactly(1L, 3L);
    }

    private static TransactionDefinition readOnly() {
        return new TransactionDefinition() {
            @Override
            @SuppressWarnings("unchecked")
            public <T> T getAttribute(io.r2dbc.spi.Option<T> option) {
                return option.equals(TransactionDefinition.READ_ONLY) ? (T) Boolean.TRUE : null;
            }
        };
    }

    @Test
    void anOpenTransactionHoldsTheWriteLockAndCloseRollsItBack() {
        database.jdbc().execute("CREATE TABLE t (x INTEGER)");
        Connection holder = Mono.from(database.factory().create()).block(WAIT);
        Mono.from(holder.beginTransaction()).then(update(holder, "INSERT INTO t VALUES (1)").then()).block(WAIT);
        database.jdbc().execute("PRAGMA busy_timeout = 100");
        assertThatThrownBy(() -> database.jdbc().execute("INSERT INTO t VALUES (2)")).hasMessageContaining("locked");
        database.jdbc().execute("PRAGMA busy_timeout = 10000");
        Mono.from(holder.close()).block(WAIT);
        database.jdbc().execute("INSERT INTO t VALUES (2)");
        assertThat(database.jdbc().queryForList("SELECT x FROM t", Long.class)).containsExactly(2L);
    }

    @Test
    void rowsAreReadByDemandAndCancellingFreesTheConnection() {
        database.jdbc().execute("CREATE TABLE t (x INTEGER)");
        database.jdbc().execute("WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 100000) "
                + "INSERT INTO t SELECT n FROM c");
        AtomicInteger mapped = new AtomicInteger();
        Connection connection = Mono.from(database.factory().create()).block(WAIT);
        List<Long> first = Flux.from(connection.createStatement("SELECT x FROM t").fetchSize(10).execute())
                .flatMap(result -> result.map(row -> {
                    mapped.incrementAndGet();
                    return row.get(0, Long.class);
                }), 1, 1)
                .limitRate(5)
                .take(12, true)
                .collectList()
                .block(WAIT);
        assertThat(first).hasSize(12);
        assertThat(mapped.get()).as("rows stepped beyond demand").isLessThanOrEqualTo(20);
        List<Long> next = Flux.from(connection.createStatement("SELECT count(*) FROM t").execute())
                .flatMap(result -> result.map(row -> row.get(0, Long.class)))
                .collectList()
                .block(WAIT);
        assertThat(next).as("the connection is free for the next statement").containsExactly(100_000L);
        Mono.from(connection.close()).block(WAIT);
        database.jdbc().execute("DELETE FROM t");
    }

    @Test
    void resultsOfNoneOneAndSeveralRowsGiveEveryRowByDemandAlsoWhenRunAgain() {
        database.jdbc().execute("CREATE TABLE r (id INTEGER PRIMARY KEY, v TEXT)");
        database.jdbc().execute("INSERT INTO r VALUES (1, 'a'), (2, 'b'), (3, 'c')");
        String query = "SELECT v FROM r WHERE id <= $1 ORDER BY id";
        Function<Connection, Flux<String>> rows = connection -> Flux.range(0, 4).repeat(1)
                .concatMap(upTo -> Flux.from(connection.createStatement(query).bind("$1", upTo).execute())
                        .concatMap(result -> result.map(row -> row.get(0, String.class)), 1)
                        .limitRate(1)
                        .collectList()
                        .map(values -> upTo + ":" + String.join(",", values)));
        List<String> seen = with(rows::apply);
        assertThat(seen).as("each run, the first from a fresh statement and the second from the kept one")
                .containsExactly("0:", "1:a", "2:a,b", "3:a,b,c", "0:", "1:a", "2:a,b", "3:a,b,c");
    }

    @Test
    void aQueryWhoseSecondRowFailsReportsTheFailureAndTheConnectionStaysUsable() {
        String failing = "SELECT CASE WHEN n = 2 THEN abs(-9223372036854775807 - 1) ELSE n END "
                + "FROM (SELECT 1 AS n UNION ALL SELECT 2)";
        List<Object> outcome = with(connection -> Flux.range(0, 2)
                .concatMap(attempt -> Flux.from(connection.createStatement(failing).execute())
                        .concatMap(result -> result.map(row -> row.get(0)))
                        .cast(Object.class)
                        .onErrorResume(R2dbcException.class, failure -> Mono.just("failed: "
                                + failure.getMessage().contains("integer overflow"))))
                .concatWith(Flux.from(connection.createStatement("SELECT 42").execute())
                        .flatMap(result -> result.map(row -> row.get(0)))));
        assertThat(outcome).as("the second row overflows; the statement is not kept half-run")
                .containsExactly("failed: true", "failed: true", 42L);
    }

    @Test
    void aStatementTimeoutInterruptsTheStepAfterTheFirstRow() {
        List<Object> outcome = with(connection -> Mono.from(connection.setStatementTimeout(Duration.ofMillis(200)))
                .thenMany(Flux.from(connection.createStatement("SELECT 1 UNION ALL SELECT max(n) FROM "
                                + "(WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c) SELECT n FROM c)")
                        .execute()))
                .concatMap(result -> result.map(row -> row.get(0)))
                .onErrorResume(R2dbcTimeoutException.class, timeout -> Mono.just("timed out"))
                .concatWith(Flux.from(connection.createStatement("SELECT 42").execute())
                        .flatMap(result -> result.map(row -> row.get(0)))));
        assertThat(outcome).as("the first row may come before the timeout; the statement never completes")
                .endsWith("timed out", 42L)
                .doesNotContain(2L);
    }

    @Test
    void aStatementTimeoutInterruptsSqlite() {
        List<Object> outcome = with(connection -> Mono.from(connection.setStatementTimeout(Duration.ofMillis(200)))
                .thenMany(Flux.from(connection.createStatement(
                                "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c) SELECT max(n) FROM c")
                        .execute()))
                .flatMap(result -> result.map(row -> row.get(0)))
                .onErrorResume(R2dbcTimeoutException.class, timeout -> Mono.just("timed out"))
                .concatWith(Flux.from(connection.createStatement("SELECT 42").execute())
                        .flatMap(result -> result.map(row -> row.get(0)))));
        assertThat(outcome).containsExactly("timed out", 42L);
    }

    @Test
    void aRowChangeRunAgainAfterAnInterruptAndAConstraintFailureRunsAndFailsLikeAFreshOne() {
        database.jdbc().execute("CREATE TABLE k (id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
        String insert = "INSERT INTO k (id, v) VALUES ($1, $2)";
        Function<Connection, Mono<Long>> insertOne = connection -> Flux.from(connection.createStatement(insert)
                        .bind("$1", 1).bind("$2", "a").execute())
                .flatMap(Result::getRowsUpdated)
                .single();
        List<Object> outcome = with(connection -> insertOne.apply(connection).cast(Object.class)
                .concatWith(Mono.from(connection.setStatementTimeout(Duration.ofMillis(200))).then(Mono.empty()))
                .concatWith(Flux.from(connection.createStatement(
                                "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c) SELECT max(n) FROM c")
                        .execute())
                        .flatMap(result -> result.map(row -> row.get(0)))
                        .onErrorResume(R2dbcTimeoutException.class, timeout -> Mono.just("timed out")))
                .concatWith(insertOne.apply(connection).cast(Object.class)
                        .onErrorResume(R2dbcDataIntegrityViolationException.class, duplicate -> Mono.just("duplicate")))
                .concatWith(Flux.from(connection.createStatement(insert).bind("$1", 2).bind("$2", "b").execute())
                        .flatMap(Result::getRowsUpdated))
                .concatWith(Flux.from(connection.createStatement("SELECT count(*) FROM k").execute())
                        .flatMap(result -> result.map(row -> row.get(0)))));
        assertThat(outcome).containsExactly(1L, "timed out", "duplicate", 1L, 2L);
    }

    @Test
    void compoundStatementsAndBatchesGiveOneResultEach() {
        List<Long> counts = with(connection -> Flux.from(connection.createBatch()
                        .add("CREATE TABLE t (x INTEGER)")
                        .add("INSERT INTO t VALUES (1); INSERT INTO t VALUES (2), (3)")
                        .execute())
                .concatMap(Result::getRowsUpdated));
        assertThat(counts).containsExactly(0L, 1L, 2L);
    }

    @Test
    void discoveryOpensALocalDatabaseAndNeverPrintsTheToken() {
        new TursoConnectionFactoryProvider(); // registers authToken as a sensitive option before parsing
        String url = "r2dbc:turso://" + dir.resolve("found.db").toAbsolutePath() + "?authToken=s3cret&clientName=x";
        ConnectionFactoryOptions options = ConnectionFactoryOptions.parse(url);
        TursoConnectionConfiguration configuration = TursoConnectionFactoryProvider.configuration(options);
        assertThat(configuration.path()).isEqualTo(dir.resolve("found.db").toAbsolutePath());
        assertThat(configuration.authToken()).contains("s3cret");
        assertThat(configuration.toString() + options).doesNotContain("s3cret");

        ConnectionFactory factory = ConnectionFactories.get("r2dbc:turso://" + dir.resolve("found.db").toAbsolutePath());
        assertThat(factory).isInstanceOf(TursoConnectionFactory.class);
        List<Long> one = Flux.usingWhen(factory.create(), connection -> Flux.from(connection
                        .createStatement("SELECT 1").execute())
                .flatMap(result -> result.map(row -> row.get(0, Long.class))), Connection::close)
                .collectList().block(WAIT);
        assertThat(one).containsExactly(1L);
        ((TursoConnectionFactory) factory).close().block(WAIT);

        ConnectionFactoryOptions synced = ConnectionFactoryOptions.parse(
                "r2dbc:turso:///data/app.db?url=http://localhost:8080");
        assertThat(TursoConnectionFactoryProvider.configuration(synced).url()).contains("http://localhost:8080");
    }

    @Test
    void aTokenTheOptionsWouldPrintIsRefusedAndThePasswordFormWorks() {
        String path = dir.resolve("token.db").toAbsolutePath().toString();
        ConnectionFactoryOptions unencoded = ConnectionFactoryOptions.parse(
                "r2dbc:turso://:s3cret-token-value@" + path + "?url=http://localhost:8080");
        assertThatThrownBy(() -> TursoConnectionFactoryProvider.configuration(unencoded))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PASSWORD")
                .hasMessageNotContaining("s3cret");

        ConnectionFactoryOptions encoded = ConnectionFactoryOptions.parse(
                "r2dbc:turso://:s3cret-token-value@" + path + "?url=http%3A%2F%2Flocalhost%3A8080");
        TursoConnectionConfiguration configuration = TursoConnectionFactoryProvider.configuration(encoded);
        assertThat(configuration.authToken()).contains("s3cret-token-value");
        assertThat(configuration.url()).contains("http://localhost:8080");
        assertThat(encoded.toString() + configuration).doesNotContain("s3cret");
    }

    @Test
    void blobsAreReadFromTheirStreams() {
        database.jdbc().execute("CREATE TABLE b (v BLOB)");
        List<Integer> sizes = with(connection -> Flux.from(connection.createStatement("INSERT INTO b VALUES ($v)")
                        .bind("v", Blob.from(Flux.just(ByteBuffer.wrap(new byte[3]), ByteBuffer.wrap(new byte[4]))))
                        .execute())
                .flatMap(Result::getRowsUpdated)
                .thenMany(Flux.from(connection.createStatement("SELECT length(v) FROM b").execute()))
                .flatMap(result -> result.map(row -> row.get(0, Integer.class))));
        assertThat(sizes).containsExactly(7);
    }

    @Test
    void aStatementRunAgainAfterAnotherConnectionChangedTheSchemaSeesTheNewSchema() {
        database.jdbc().execute("CREATE TABLE s (a INTEGER)");
        database.jdbc().execute("INSERT INTO s VALUES (1)");
        Function<Connection, Publisher<List<String>>> selectAll = connection -> Flux.from(connection
                        .createStatement("SELECT * FROM s").execute())
                .flatMap(result -> result.map((row, metadata) -> metadata.getColumnMetadatas().stream()
                        .map(column -> column.getName() + "=" + row.get(column.getName(), String.class)).toList()));
        List<List<String>> before = Flux.usingWhen(database.factory().create(), connection -> Flux.from(
                        selectAll.apply(connection))
                .concatWith(Mono.fromRunnable(() -> {
                    database.jdbc().execute("ALTER TABLE s ADD COLUMN b TEXT DEFAULT 'x'");
                }))
                .concatWith(selectAll.apply(connection))
                .concatWith(Mono.fromRunnable(() -> {
                    database.jdbc().execute("DROP TABLE s");
                    database.jdbc().execute("CREATE TABLE s (c TEXT, d TEXT)");
                    database.jdbc().execute("INSERT INTO s VALUES ('p', 'q')");
                }))
                .concatWith(selectAll.apply(connection)), Connection::close)
                .collectList().block(WAIT);
        assertThat(before).containsExactly(List.of("a=1"), List.of("a=1", "b=x"), List.of("c=p", "d=q"));
    }

    @Test
    void aQueryRunAgainAfterAnotherConnectionReplacedItsTableReportsTheNewDeclaredTypes() {
        database.jdbc().execute("CREATE TABLE typed (a INTEGER)");
        database.jdbc().execute("INSERT INTO typed VALUES (1)");
        Function<Connection, Publisher<String>> columnType = connection -> Flux.from(connection
                        .createStatement("SELECT a FROM typed").execute())
                .flatMap(result -> result.map((row, metadata) -> metadata.getColumnMetadata("a").getType().getName()
                        + " " + metadata.getColumnMetadata("a").getJavaType().getSimpleName()));
        List<String> types = Flux.usingWhen(database.factory().create(), connection -> Flux.from(
                        columnType.apply(connection))
                .concatWith(Mono.fromRunnable(() -> {
                    database.jdbc().execute("DROP TABLE typed");
                    database.jdbc().execute("CREATE TABLE typed (a TEXT)");
                    database.jdbc().execute("INSERT INTO typed VALUES ('x')");
                }))
                .concatWith(columnType.apply(connection)), Connection::close)
                .collectList().block(WAIT);
        assertThat(types).containsExactly("BIGINT Long", "VARCHAR String");
    }

    @Test
    void aQueryRunAgainReusesItsColumnsUntilAColumnIsRenamedAndTypesAnExpressionByEachRunsValue() {
        database.jdbc().execute("CREATE TABLE named (a VARCHAR(20))");
        database.jdbc().execute("INSERT INTO named VALUES ('x')");
        Function<Connection, Publisher<String>> columns = connection -> Flux.from(connection
                        .createStatement("SELECT * FROM named").execute())
                .flatMap(result -> result.map((row, metadata) -> metadata.getColumnMetadatas().get(0).getName() + " "
                        + metadata.getColumnMetadatas().get(0).getNativeTypeMetadata() + " "
                        + System.identityHashCode(metadata)));
        Function<Object, Function<Connection, Publisher<String>>> expression = value -> connection -> Flux.from(
                        connection.createStatement("SELECT $1 AS v").bind("$1", value).execute())
                .flatMap(result -> result.map((row, metadata) -> metadata.getColumnMetadata("v").getType().getName()));
        List<String> seen = Flux.usingWhen(database.factory().create(), connection -> Flux.from(
                        columns.apply(connection))
                .concatWith(columns.apply(connection))
                .concatWith(Mono.fromRunnable(() -> database.jdbc().execute("ALTER TABLE named RENAME COLUMN a TO b")))
                .concatWith(columns.apply(connection))
                .concatWith(expression.apply(1L).apply(connection))
                .concatWith(expression.apply("text").apply(connection)), Connection::close)
                .collectList().block(WAIT);

        assertThat(seen).hasSize(5);
        assertThat(seen.get(0)).startsWith("a VARCHAR ");
        assertThat(seen.get(1)).as("the kept statement's metadata, reused").isEqualTo(seen.get(0));
        assertThat(seen.get(2)).as("a renamed column gives new metadata").startsWith("b VARCHAR ")
                .isNotEqualTo("b" + seen.get(0).substring(1));
        assertThat(seen.subList(3, 5)).as("a column without a declared type is typed by its value, each run")
                .containsExactly("BIGINT", "VARCHAR");
    }

    @Test
    void aResultReadWholeByItsExecutionGivesItsRowOnceThroughFlatMapAndConcatMap() {
        database.jdbc().execute("CREATE TABLE one (id INTEGER PRIMARY KEY, v TEXT)");
        database.jdbc().execute("INSERT INTO one VALUES (1, 'a')");
        String lookup = "SELECT v FROM one WHERE id = $1";
        List<Object> seen = with(connection -> Flux.from(connection.createStatement(lookup).bind("$1", 1).execute())
                .flatMap(result -> result.map(row -> row.get(0, String.class)))
                .concatWith(Flux.from(connection.createStatement(lookup).bind("$1", 2).execute())
                        .concatMap(result -> result.map(row -> row.get(0, String.class))))
                .concatWith(Flux.from(connection.createStatement("UPDATE one SET v = 'b'").execute())
                        .concatMap(result -> result.map(row -> "no rows expected")))
                .concatWith(Flux.from(connection.createStatement(lookup).bind("$1", 1).execute())
                        .flatMap(result -> result.map(row -> (String) null))
                        .onErrorResume(NullPointerException.class, e -> Mono.just("null mapping refused")))
                .concatWith(Flux.from(connection.createStatement(lookup).bind("$1", 1).execute())
                        .flatMap(result -> Flux.from(result.map(row -> row.get(0, String.class)))
                                .concatWith(Flux.from(result.map(row -> "read twice")))
                                .onErrorResume(IllegalStateException.class, e -> Mono.just(e.getMessage()))))
                .cast(Object.class));

        assertThat(seen).containsExactly("a", "null mapping refused", "b", "a Result can be consumed only once");
    }

    @Test
    void closingAConnectionEndsTheResultsNobodyConsumed() {
        database.jdbc().execute("CREATE TABLE many (x INTEGER)");
        database.jdbc().execute("INSERT INTO many VALUES (1), (2), (3)");
        Connection streaming = Mono.from(database.factory().create()).block(WAIT);
        Connection lookup = Mono.from(database.factory().create()).block(WAIT);
        Result open = Mono.from(streaming.createStatement("SELECT x FROM many").execute()).block(WAIT);
        Result whole = Mono.from(lookup.createStatement("SELECT x FROM many WHERE x = 2").execute()).block(WAIT);

        Mono.from(streaming.close()).block(WAIT);
        Mono.from(lookup.close()).block(WAIT);

        assertThatThrownBy(() -> Flux.from(open.map(row -> row.get(0, Long.class))).collectList().block(WAIT))
                .isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> Flux.from(whole.map(row -> row.get(0, Long.class))).collectList().block(WAIT))
                .hasMessageContaining("consumed only once");
        assertThat(database.jdbc().queryForObject("SELECT count(*) FROM many", Long.class))
                .as("the database is free").isEqualTo(3L);
    }

    @Test
    void bindingSetsGiveTheirCountsInOrderAndAFailureAfterThoseThatRanBeforeIt() {
        database.jdbc().execute("CREATE TABLE u (id INTEGER PRIMARY KEY)");
        List<Object> outcome = with(connection -> Flux.from(connection.createStatement("INSERT INTO u VALUES ($1)")
                        .bind("$1", 1).add().bind("$1", 2).add().bind("$1", 1).add().bind("$1", 3).execute())
                .concatMap(Result::getRowsUpdated)
                .cast(Object.class)
                .onErrorResume(R2dbcDataIntegrityViolationException.class, duplicate -> Mono.just("duplicate"))
                .concatWith(update(connection, "SELECT 1"))
                .concatWith(Flux.from(connection.createStatement("SELECT group_concat(id) FROM u").execute())
                        .flatMap(result -> result.map(row -> row.get(0, String.class)))));
        assertThat(outcome).as("the third set fails; the fourth never runs")
                .containsExactly(1L, 1L, "duplicate", "1,2");
    }

    @Test
    void cancellingAfterTheFirstBindingSetsResultLeavesTheConnectionFree() {
        database.jdbc().execute("CREATE TABLE v (id INTEGER PRIMARY KEY)");
        List<Object> outcome = with(connection -> Flux.from(connection.createStatement("INSERT INTO v VALUES ($1)")
                        .bind("$1", 1).add().bind("$1", 2).add().bind("$1", 3).execute())
                .take(1)
                .concatMap(Result::getRowsUpdated)
                .cast(Object.class)
                .concatWith(Flux.from(connection.createStatement("SELECT count(*) FROM v WHERE id = 1").execute())
                        .flatMap(result -> result.map(row -> row.get(0, Long.class)))));
        assertThat(outcome).containsExactly(1L, 1L);
    }

    @Test
    void bindingSetsOfOneRowChangeGiveEachSetsOwnCount() {
        database.jdbc().execute("CREATE TABLE w (id INTEGER PRIMARY KEY, g INTEGER)");
        database.jdbc().execute("INSERT INTO w VALUES (1, 1), (2, 2), (3, 2), (4, 3), (5, 3), (6, 3)");
        List<Long> counts = with(connection -> Flux.from(connection.createStatement("UPDATE w SET g = g + 10 WHERE g = ?")
                        .bind(0, 3).add().bind(0, 9).add().bind(0, 1).add().bind(0, 2).execute())
                .concatMap(Result::getRowsUpdated));
        assertThat(counts).containsExactly(3L, 0L, 1L, 2L);
        assertThat(database.jdbc().queryForList("SELECT g FROM w ORDER BY id", Long.class))
                .containsExactly(11L, 12L, 12L, 13L, 13L, 13L);
    }

    @Test
    void aFailingBindingSetInsideATransactionKeepsTheSetsBeforeItInTheTransaction() {
        database.jdbc().execute("CREATE TABLE x (id INTEGER PRIMARY KEY)");
        List<Object> outcome = with(connection -> Mono.from(connection.beginTransaction())
                .thenMany(Flux.from(connection.createStatement("INSERT INTO x VALUES (?)")
                                .bind(0, 1).add().bind(0, 2).add().bind(0, 2).add().bind(0, 3).execute())
                        .concatMap(Result::getRowsUpdated)
                        .cast(Object.class)
                        .onErrorResume(R2dbcDataIntegrityViolationException.class, duplicate -> Mono.just("duplicate")))
                .concatWith(update(connection, "INSERT INTO x VALUES (4)"))
                .concatWith(Mono.from(connection.commitTransaction()).then(Mono.empty())));
        assertThat(outcome).containsExactly(1L, 1L, "duplicate", 1L);
        assertThat(database.jdbc().queryForList("SELECT id FROM x ORDER BY id", Long.class))
                .containsExactly(1L, 2L, 4L);
    }

    @Test
    void aBindingSetWhoseTriggerRollsBackKeepsTheSetsBeforeItInAutoCommitMode() {
        database.jdbc().execute("CREATE TABLE y (id INTEGER PRIMARY KEY)");
        database.jdbc().execute("CREATE TRIGGER y_no_3 BEFORE INSERT ON y WHEN NEW.id = 3 BEGIN "
                + "SELECT RAISE(ROLLBACK, 'no 3'); END");
        List<Object> outcome = with(connection -> Flux.from(connection.createStatement("INSERT INTO y VALUES (?)")
                        .bind(0, 1).add().bind(0, 2).add().bind(0, 3).add().bind(0, 4).execute())
                .concatMap(Result::getRowsUpdated)
                .cast(Object.class)
                .onErrorResume(R2dbcException.class, rolledBack -> Mono.just("rolled back"))
                .concatWith(update(connection, "INSERT INTO y VALUES (5)")));
        assertThat(outcome).as("each set is its own transaction")
                .containsExactly(1L, 1L, "rolled back", 1L);
        assertThat(database.jdbc().queryForList("SELECT id FROM y ORDER BY id", Long.class))
                .containsExactly(1L, 2L, 5L);
    }

    @Test
    void anExecutionRunsTheValuesBoundWhenExecuteWasCalledAlthoughTheStatementIsBoundAgainBeforeItRuns() {
        database.jdbc().execute("CREATE TABLE rebound (n INTEGER, t TEXT)");
        List<Long> counts = with(connection -> {
            io.r2dbc.spi.Statement statement = connection.createStatement("INSERT INTO rebound VALUES (?, ?)")
                    .bind(0, 1).bind(1, "a").add().bind(0, 2).bind(1, "b");
            Publisher<? extends Result> execution = statement.execute();
            statement.bind(0, 9).bind(1, "z").add().bind(0, 8).bind(1, "y");
            return Flux.from(execution).concatMap(Result::getRowsUpdated);
        });
        assertThat(counts).containsExactly(1L, 1L);
        assertThat(database.jdbc().queryForList("SELECT n || t FROM rebound ORDER BY n", String.class))
                .as("neither a set added after execute() nor the values bound again run")
                .containsExactly("1a", "2b");
    }

    @Test
    void anExecutionSubscribedAgainRunsItsStatementsAgainForTheNewSubscriber() {
        database.jdbc().execute("CREATE TABLE again (n INTEGER)");
        List<Object> seen = with(connection -> {
            Publisher<? extends Result> one = connection.createStatement("INSERT INTO again VALUES (?)").bind(0, 1)
                    .execute();
            Publisher<? extends Result> sets = connection.createStatement("INSERT INTO again VALUES (?)").bind(0, 2)
                    .add().bind(0, 3).execute();
            Publisher<? extends Result> lookup = connection.createStatement("SELECT count(*) FROM again WHERE n = ?")
                    .bind(0, 1).execute();
            return Flux.from(one).concatMap(Result::getRowsUpdated).cast(Object.class)
                    .concatWith(Flux.from(one).concatMap(Result::getRowsUpdated))
                    .concatWith(Flux.from(sets).concatMap(Result::getRowsUpdated))
                    .concatWith(Flux.from(sets).concatMap(Result::getRowsUpdated))
                    .concatWith(Flux.from(lookup).concatMap(result -> result.map(row -> "n=1: " + row.get(0))))
                    .concatWith(Flux.from(one).concatMap(Result::getRowsUpdated))
                    .concatWith(Flux.from(lookup).concatMap(result -> result.map(row -> "n=1: " + row.get(0))));
        });
        assertThat(seen).as("each subscription executes the statements once more")
                .containsExactly(1L, 1L, 1L, 1L, 1L, 1L, "n=1: 2", 1L, "n=1: 3");
        assertThat(database.jdbc().queryForList("SELECT n FROM again ORDER BY n", Long.class))
                .containsExactly(1L, 1L, 1L, 2L, 2L, 3L, 3L);
    }

    @Test
    void aResultAskedForOnlyAfterItOpenedIsEmittedOnTheRequest() throws Exception {
        database.jdbc().execute("CREATE TABLE late (n INTEGER)");
        Connection connection = Mono.from(database.factory().create()).block(WAIT);
        java.util.concurrent.BlockingQueue<Result> results = new java.util.concurrent.LinkedBlockingQueue<>();
        java.util.concurrent.CompletableFuture<Void> completed = new java.util.concurrent.CompletableFuture<>();
        reactor.core.publisher.BaseSubscriber<Result> subscriber = new reactor.core.publisher.BaseSubscriber<>() {
            @Override
            protected void hookOnSubscribe(org.reactivestreams.Subscription subscription) {
                subscription.request(1);
            }

            @Override
            protected void hookOnNext(Result result) {
                results.add(result);
            }

            @Override
            protected void hookOnComplete() {
                completed.complete(null);
            }
        };
        Flux.from(connection.createStatement("INSERT INTO late VALUES (?)").bind(0, 1).add().bind(0, 2).execute())
                .subscribe(subscriber);
        Result first = results.poll(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        assertThat(first).isNotNull();
        // the two binding sets ran in one database task: ending the first result opens the second on this thread,
        // before anyone asked for it
        assertThat(Mono.from(first.getRowsUpdated()).block(WAIT)).isEqualTo(1L);
        assertThat(results).as("not asked for yet").isEmpty();
        subscriber.request(1);
        Result second = results.poll(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        assertThat(second).as("emitted on the later request").isNotNull();
        assertThat(Mono.from(second.getRowsUpdated()).block(WAIT)).isEqualTo(1L);
        subscriber.request(1);
        completed.get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        Mono.from(connection.close()).block(WAIT);
    }

    @Test
    void bindingSetsOfAScriptWhoseStatementsNumberTheirMarkersOtherwiseBindEachValueToItsMarker() {
        database.jdbc().execute("CREATE TABLE swapped (a TEXT, b TEXT, c TEXT)");
        with(connection -> Flux.from(connection.createStatement("INSERT INTO swapped VALUES (?2, ?1, ?3)")
                        .bind(0, "x").bind(1, "y").bind(2, "1").add().bind(0, "p").bind(1, "q").bind(2, "2").execute())
                .concatMap(Result::getRowsUpdated));
        with(connection -> Flux.from(connection.createStatement("INSERT INTO swapped (a, c) VALUES (:b, '3' || :b);"
                                + " INSERT INTO swapped (a, b, c) VALUES (:a, :b, '4' || :a)")
                        .bind("b", "m").bind("a", "n").add().bind("b", "r").bind("a", "s").execute())
                .concatMap(Result::getRowsUpdated));
        assertThat(database.jdbc().queryForList("SELECT a || '/' || ifnull(b, '-') FROM swapped ORDER BY c",
                String.class)).containsExactly("y/x", "q/p", "m/-", "r/-", "n/m", "s/r");
    }

    @Test
    void bindingSetsBeyondOneDatabaseTaskGiveEveryCountInOrderAndAFailureInALaterTaskAfterThem() {
        database.jdbc().execute("CREATE TABLE many (id INTEGER PRIMARY KEY)");
        List<Object> outcome = with(connection -> {
            io.r2dbc.spi.Statement statement = connection.createStatement("INSERT INTO many VALUES (?)");
            for (int id = 1; id <= 600; id++) {
                // 600 sets: database tasks of 256, 256 and 88 row changes; set 530 repeats id 7
                statement.bind(0, id == 530 ? 7 : id);
                if (id < 600) {
                    statement.add();
                }
            }
            return Flux.from(statement.execute())
                    .concatMap(Result::getRowsUpdated)
                    .cast(Object.class)
                    .onErrorResume(R2dbcDataIntegrityViolationException.class, duplicate -> Mono.just("duplicate"))
                    .concatWith(update(connection, "INSERT INTO many VALUES (1000)"));
        });
        assertThat(outcome).as("529 counts, the failure, then the next statement's count").hasSize(531);
        assertThat(outcome.subList(0, 529)).containsOnly(1L);
        assertThat(outcome.subList(529, 531)).containsExactly("duplicate", 1L);
        assertThat(database.jdbc().queryForObject("SELECT count(*) || ':' || max(id) FROM many", String.class))
                .as("the sets before the failing one ran, none after it").isEqualTo("530:1000");
    }
}
