package dev.tursosync.bench;

import dev.tursosync.SyncClient;
import dev.tursosync.r2dbc.TursoConnectionFactory;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.Option;
import io.r2dbc.spi.Result;
import io.r2dbc.spi.Statement;
import io.r2dbc.spi.TransactionDefinition;
import java.time.Duration;
import java.util.List;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The local workloads through this project's R2DBC driver ({@link TursoConnectionFactory#of(SyncClient)}) on a
 * synced replica: what an application does. Every subscriber has its own R2DBC connection, created before the clock
 * starts (with a JDBC connection for it in the client's pool) and closed after it stops.
 */
final class R2dbcEngine implements LocalEngine {

    private static final Duration GENEROUS = Duration.ofMinutes(10);
    /** Rows a scan asks for at a time. */
    private static final int SCAN_DEMAND = 128;
    /** A read-only transaction: it takes no write lock, so every connection can hold one at once. */
    private static final TransactionDefinition READ_ONLY = new TransactionDefinition() {
        @Override
        @SuppressWarnings("unchecked")
        public <T> T getAttribute(Option<T> option) {
            return TransactionDefinition.READ_ONLY.equals(option) ? (T) Boolean.TRUE : null;
        }
    };

    private final TursoConnectionFactory factory;

    R2dbcEngine(SyncClient client) {
        this.factory = TursoConnectionFactory.of(client);
    }

    @Override
    public String name() {
        return "R2DBC";
    }

    @Override
    public Throughput insertTransaction(String table, List<String> texts) {
        String sql = insert(table);
        return withConnections(1, (connections, latencies) -> {
            Connection connection = connections.get(0);
            return Mono.from(connection.beginTransaction())
                    .thenMany(Flux.fromIterable(texts).concatMap(text -> timed(latencies,
                            Flux.from(connection.createStatement(sql).bind(0, text).execute())
                                    .flatMap(Result::getRowsUpdated))))
                    .then(Mono.from(connection.commitTransaction()));
        }, texts.size(), texts.size());
    }

    @Override
    public Throughput insertBatches(String table, List<String> texts, int batch) {
        String sql = insert(table);
        int batches = texts.size() / batch;
        return withConnections(1, (connections, latencies) -> {
            Connection connection = connections.get(0);
            return Mono.from(connection.beginTransaction())
                    .thenMany(Flux.range(0, batches).concatMap(b -> timed(latencies, Flux.defer(() -> {
                        Statement statement = connection.createStatement(sql);
                        for (int i = b * batch; i < (b + 1) * batch; i++) {
                            if (i > b * batch) {
                                statement.add();
                            }
                            statement.bind(0, texts.get(i));
                        }
                        return Flux.from(statement.execute()).flatMap(Result::getRowsUpdated);
                    }))))
                    .then(Mono.from(connection.commitTransaction()));
        }, texts.size(), batches);
    }

    @Override
    public Throughput concurrentWrites(String table, List<String> texts, int subscribers) {
        String sql = insert(table);
        return withConnections(subscribers, (connections, latencies) -> Flux.range(0, subscribers)
                .flatMap(s -> Flux.range(0, (texts.size() - s + subscribers - 1) / subscribers)
                        .concatMap(k -> timed(latencies, Flux.from(connections.get(s).createStatement(sql)
                                .bind(0, texts.get(s + k * subscribers)).execute())
                                .flatMap(Result::getRowsUpdated))), subscribers)
                .then(), texts.size(), texts.size());
    }

    @Override
    public Throughput pointSelects(String table, int count, int tableRows, int subscribers) {
        String sql = "SELECT id, data FROM " + table + " WHERE id = ?";
        return withConnections(subscribers, (connections, latencies) -> Flux.range(0, subscribers)
                .flatMap(s -> Flux.range(0, (count - s + subscribers - 1) / subscribers)
                        .concatMap(k -> {
                            long id = LocalIds.of(s + k * subscribers, tableRows);
                            return timed(latencies, Flux.from(connections.get(s).createStatement(sql).bind(0, id)
                                    .execute()).flatMap(result -> result.map(row -> row.get(1, String.class)))
                                    .single());
                        }), subscribers)
                .then(), count, count);
    }

    @Override
    public Throughput scans(String table, int rows, int scans) {
        String sql = "SELECT id, data FROM " + table + " ORDER BY id LIMIT ?";
        return withConnections(1, (connections, latencies) -> Flux.range(0, scans)
                .concatMap(s -> timed(latencies, Flux.from(connections.get(0).createStatement(sql).bind(0, rows)
                        .execute())
                        .flatMap(result -> result.map(row -> row.get(1, String.class).length()))
                        .limitRate(SCAN_DEMAND)
                        .count()
                        .doOnNext(seen -> {
                            if (seen != rows) {
                                throw new IllegalStateException("scan saw " + seen + " rows, expected " + rows);
                            }
                        })))
                .then(), (long) rows * scans, scans);
    }

    /**
     * Makes the client's pool hold a JDBC connection per subscriber before the clock starts, as the JDBC engine opens
     * its connections before it: each R2DBC connection holds a read-only transaction (and so its own JDBC connection)
     * at once, then all roll back. The pool opens connections on demand, and opening one on a replica costs far more
     * than a statement (the change capture registers its function and reads the schema and the log's last row),
     * which would otherwise fall into whichever timed run first has that many subscribers at once.
     */
    private static void openPooledConnections(List<Connection> connections) {
        Flux.fromIterable(connections)
                .concatMap(connection -> connection.beginTransaction(READ_ONLY))
                .thenMany(Flux.fromIterable(connections).concatMap(Connection::rollbackTransaction))
                .blockLast(GENEROUS);
    }

    /** The timed part of a run, given its connections and where to record latencies. */
    @FunctionalInterface
    private interface Work {
        Publisher<?> run(List<Connection> connections, Latencies latencies);
    }

    private Throughput withConnections(int count, Work work, long ops, int timedOperations) {
        List<Connection> connections = Flux.range(0, count).concatMap(i -> factory.create()).collectList()
                .block(GENEROUS);
        try {
            openPooledConnections(connections);
            Latencies latencies = new Latencies(timedOperations);
            long start = System.nanoTime();
            Flux.from(work.run(connections, latencies)).blockLast(GENEROUS);
            return latencies.result(ops, Millis.since(start));
        } finally {
            Flux.fromIterable(connections).concatMap(Connection::close).blockLast(GENEROUS);
        }
    }

    private static <T> Mono<T> timed(Latencies latencies, Publisher<T> operation) {
        return Mono.defer(() -> {
            long start = System.nanoTime();
            return Flux.from(operation).last().doOnSuccess(ignored -> latencies.since(start));
        });
    }

    private static String insert(String table) {
        return "INSERT INTO " + table + " (data) VALUES (?)";
    }

    @Override
    public void close() {
        // the client belongs to the caller
    }
}
