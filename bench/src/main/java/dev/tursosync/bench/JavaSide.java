package dev.tursosync.bench;

import dev.tursosync.PushResult;
import dev.tursosync.SyncClient;
import dev.tursosync.internal.client.DefaultSyncClient;
import dev.tursosync.internal.db.ConnectionManager;
import java.nio.file.Path;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;

/**
 * The Java client of this project, run in the harness JVM. Bootstraps are timed around {@code open().block()}, pulls
 * around {@code pullChanges().count().block()} (the change events are part of a pull's cost), pushes around
 * {@code push().block()}. Local writes go through the client's own connections, so the capture triggers log them and
 * DDL is captured.
 */
public final class JavaSide implements SyncSide {

    private static final Duration GENEROUS = Duration.ofMinutes(10);

    @Override
    public String name() {
        return "Java";
    }

    @Override
    public double bootstrap(String url, Path path) {
        SyncClient client = client(url, path);
        try {
            long start = System.nanoTime();
            client.open().block(GENEROUS);
            return Millis.since(start);
        } finally {
            client.close().block(GENEROUS);
        }
    }

    @Override
    public Replica open(String url, Path path) {
        SyncClient client = client(url, path);
        try {
            client.open().block(GENEROUS);
        } catch (RuntimeException e) {
            client.close().block(GENEROUS);
            throw e;
        }
        return new JavaReplica(client);
    }

    /**
     * Builds a client with the options the benchmark uses: defaults, except timeouts long enough for big bootstraps.
     *
     * @param url  the remote
     * @param path the database file
     * @return a client, not opened
     */
    static SyncClient client(String url, Path path) {
        return SyncClient.builder().path(path).url(url).clientName("bench-java").responseTimeout(GENEROUS).build();
    }

    @Override
    public boolean supportsPush() {
        return true;
    }

    /**
     * The connections of an open client, on which local writes are captured.
     *
     * @param client an open client
     * @return its connection manager
     */
    static ConnectionManager connections(SyncClient client) {
        return ((DefaultSyncClient) client).connections();
    }

    /**
     * Runs one statement on a client's own connection and tells capture about it (needed for DDL).
     *
     * @param client an open client
     * @param sql    the statement
     */
    static void execLocal(SyncClient client, String sql) {
        ConnectionManager connections = connections(client);
        connections.withConnection(connection -> {
            try (Statement statement = connection.createStatement()) {
                statement.execute(sql);
            }
            connections.afterStatement(connection, sql);
            return true;
        }).block(GENEROUS);
    }

    /**
     * Runs a query that returns one integer on a client's own connection.
     *
     * @param client an open client
     * @param sql    the query
     * @return the integer
     */
    static long queryLong(SyncClient client, String sql) {
        return connections(client).withConnection(connection -> {
            try (Statement statement = connection.createStatement(); var row = statement.executeQuery(sql)) {
                row.next();
                return row.getLong(1);
            }
        }).block(GENEROUS);
    }

    private record JavaReplica(SyncClient client, RandomText text) implements Replica {

        private JavaReplica(SyncClient client) {
            this(client, new RandomText());
        }

        @Override
        public PullResult pull() {
            long start = System.nanoTime();
            Long events = client.pullChanges().count().block(GENEROUS);
            double ms = Millis.since(start);
            return new PullResult(ms, events + " events");
        }

        @Override
        public void execLocal(String sql) {
            JavaSide.execLocal(client, sql);
        }

        @Override
        public void insertLocalRows(String table, int rows, int bytes) {
            connections(client).withConnection(connection -> LocalRows.insert(connection, table, rows, text, bytes))
                    .block(GENEROUS);
        }

        @Override
        public PushTiming push() {
            long start = System.nanoTime();
            PushResult result = client.push().block(GENEROUS);
            double ms = Millis.since(start);
            return new PushTiming(ms, String.format(Locale.ROOT, "%d changes in %d batch(es), %s sent",
                    result.changesPushed(), result.batches(), Report.megabytes(result.bytesSent())),
                    result.remoteTime().toNanos() / 1e6);
        }

        @Override
        public void close() {
            client.close().block(GENEROUS);
        }
    }
}
