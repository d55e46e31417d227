package dev.tursosync.bench;

import dev.tursosync.internal.capture.TransactionIds;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.sqlite.SQLiteConfig;

/**
 * The local workloads on raw sqlite-jdbc, the floor the R2DBC driver is measured against: connections of its own to
 * the Java replica's file, opened with the client's settings (busy timeout 10 s, WAL, {@code wal_autocheckpoint = 0})
 * and the client's transaction-number function, so the capture triggers log every write as they do for the client.
 * Each subscriber is a thread with its own connection; statements are prepared once per run and reused, as a JDBC
 * program would. Connections stay open until {@link #close()}, which must run before the client closes.
 */
final class JdbcEngine implements LocalEngine {

    private final Path file;
    private final TransactionIds transactions = new TransactionIds();
    private final List<Connection> connections = new ArrayList<>();
    private ExecutorService threads;

    JdbcEngine(Path file) {
        this.file = file;
    }

    @Override
    public String name() {
        return "JDBC";
    }

    @Override
    public Throughput insertTransaction(String table, List<String> texts) throws Exception {
        Latencies latencies = new Latencies(texts.size());
        double ms = inTransaction(table, insert -> {
            for (String text : texts) {
                long one = System.nanoTime();
                insert.setString(1, text);
                insert.executeUpdate();
                latencies.since(one);
            }
        });
        return latencies.result(texts.size(), ms);
    }

    @Override
    public Throughput insertBatches(String table, List<String> texts, int batch) throws Exception {
        Latencies latencies = new Latencies(texts.size() / batch);
        double ms = inTransaction(table, insert -> {
            for (int b = 0; b < texts.size() / batch; b++) {
                long one = System.nanoTime();
                for (int i = b * batch; i < (b + 1) * batch; i++) {
                    insert.setString(1, texts.get(i));
                    insert.addBatch();
                }
                insert.executeBatch();
                latencies.since(one);
            }
        });
        return latencies.result(texts.size(), ms);
    }

    /** Inserts through one prepared statement. */
    @FunctionalInterface
    private interface Inserts {
        void run(PreparedStatement insert) throws SQLException;
    }

    /** Runs inserts in one transaction on the first connection; returns the time from its start to its commit. */
    private double inTransaction(String table, Inserts inserts) throws SQLException {
        Connection connection = connections(1).get(0);
        try (PreparedStatement insert = connection.prepareStatement(insert(table))) {
            long start = System.nanoTime();
            connection.setAutoCommit(false);
            try {
                inserts.run(insert);
                connection.commit();
            } finally {
                connection.setAutoCommit(true);
            }
            return Millis.since(start);
        }
    }

    @Override
    public Throughput concurrentWrites(String table, List<String> texts, int subscribers) throws Exception {
        Latencies latencies = new Latencies(texts.size());
        double ms = onThreads(subscribers, (connection, s) -> {
            PreparedStatement insert = connection.prepareStatement(insert(table));
            return () -> {
                try (insert) {
                    for (int i = s; i < texts.size(); i += subscribers) {
                        long one = System.nanoTime();
                        insert.setString(1, texts.get(i));
                        insert.executeUpdate();
                        latencies.since(one);
                    }
                }
            };
        });
        return latencies.result(texts.size(), ms);
    }

    @Override
    public Throughput pointSelects(String table, int count, int tableRows, int subscribers) throws Exception {
        Latencies latencies = new Latencies(count);
        double ms = onThreads(subscribers, (connection, s) -> {
            PreparedStatement select = connection.prepareStatement("SELECT id, data FROM " + table + " WHERE id = ?");
            return () -> {
                try (select) {
                    for (int i = s; i < count; i += subscribers) {
                        long one = System.nanoTime();
                        long id = LocalIds.of(i, tableRows);
                        select.setLong(1, id);
                        try (ResultSet row = select.executeQuery()) {
                            if (!row.next() || row.getString(2) == null) {
                                throw new IllegalStateException("no row " + id);
                            }
                        }
                        latencies.since(one);
                    }
                }
            };
        });
        return latencies.result(count, ms);
    }

    @Override
    public Throughput scans(String table, int rows, int scans) throws Exception {
        Connection connection = connections(1).get(0);
        Latencies latencies = new Latencies(scans);
        long start;
        try (PreparedStatement scan = connection.prepareStatement("SELECT id, data FROM " + table
                + " ORDER BY id LIMIT ?")) {
            start = System.nanoTime();
            for (int s = 0; s < scans; s++) {
                long one = System.nanoTime();
                scan.setInt(1, rows);
                long seen = 0;
                try (ResultSet row = scan.executeQuery()) {
                    while (row.next()) {
                        row.getLong(1);
                        seen += row.getString(2).length() > 0 ? 1 : 0;
                    }
                }
                if (seen != rows) {
                    throw new IllegalStateException("scan saw " + seen + " rows, expected " + rows);
                }
                latencies.since(one);
            }
        }
        return latencies.result((long) rows * scans, Millis.since(start));
    }

    /** Prepares one subscriber's loop on its connection (not timed); the loop runs when every thread is ready. */
    @FunctionalInterface
    private interface Subscriber {
        Loop prepare(Connection connection, int index) throws SQLException;
    }

    /** One subscriber's timed loop. */
    @FunctionalInterface
    private interface Loop {
        void run() throws SQLException;
    }

    /** Runs one loop per subscriber on its own thread, all started together; returns the wall time of the run. */
    private double onThreads(int subscribers, Subscriber subscriber) throws Exception {
        List<Connection> open = connections(subscribers);
        List<Loop> loops = new ArrayList<>();
        for (int s = 0; s < subscribers; s++) {
            loops.add(subscriber.prepare(open.get(s), s));
        }
        ExecutorService pool = threads();
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> running = new ArrayList<>();
        for (Loop loop : loops) {
            running.add(pool.submit(() -> {
                go.await();
                loop.run();
                return null;
            }));
        }
        long start = System.nanoTime();
        go.countDown();
        for (Future<?> each : running) {
            each.get();
        }
        return Millis.since(start);
    }

    private synchronized ExecutorService threads() {
        if (threads == null) {
            threads = Executors.newCachedThreadPool(task -> {
                Thread thread = new Thread(task, "bench-jdbc");
                thread.setDaemon(true);
                return thread;
            });
        }
        return threads;
    }

    private List<Connection> connections(int count) throws SQLException {
        while (connections.size() < count) {
            connections.add(open());
        }
        return connections.subList(0, count);
    }

    private Connection open() throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(10_000);
        Connection connection = config.createConnection("jdbc:sqlite:" + file);
        try (Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA wal_autocheckpoint = 0");
            statement.execute("PRAGMA journal_mode = WAL");
            transactions.register(connection);
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
        return connection;
    }

    private static String insert(String table) {
        return "INSERT INTO " + table + " (data) VALUES (?)";
    }

    @Override
    public void close() {
        for (Connection connection : connections) {
            try {
                connection.close();
            } catch (SQLException e) {
                System.out.println("  closing a JDBC connection failed: " + e);
            }
        }
        connections.clear();
        if (threads != null) {
            threads.shutdownNow();
        }
    }
}
