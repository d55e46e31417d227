package dev.tursosync.internal.client;

import dev.tursosync.RetryOptions;
import dev.tursosync.SyncClient;
import dev.tursosync.internal.transport.ScriptedTransport;
import dev.tursosync.internal.transport.SqliteRemote;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * Clients of the engine over a {@link ScriptedTransport}, built from the public builder with the transport swapped,
 * and what the engine tests read from them.
 */
final class ScriptedClients {

    /** The longest wait of a blocking call: it only turns a hang into a failure. */
    static final Duration WAIT = Duration.ofSeconds(60);

    private ScriptedClients() {
    }

    /**
     * A client of a replica over the transport (not opened); no retries unless {@code config} sets them.
     */
    static DefaultSyncClient client(ScriptedTransport transport, Path database,
                                    UnaryOperator<SyncClient.Builder> config) {
        SyncClient.Builder builder = SyncClient.builder().path(database).url("http://127.0.0.1:9")
                .clientName("scripted").retry(RetryOptions.none());
        DefaultSyncClient configured = (DefaultSyncClient) config.apply(builder).build();
        return new DefaultSyncClient(configured.options().withTransports(options -> transport));
    }

    /** Opens a client over the transport, runs {@code work} on it and closes it. */
    static void session(ScriptedTransport transport, Path database, UnaryOperator<SyncClient.Builder> config,
                        ClientWork work) throws Exception {
        DefaultSyncClient client = client(transport, database, config);
        try {
            client.open().block(WAIT);
            work.run(client);
        } catch (Exception | AssertionError e) {
            try {
                client.close().block(WAIT);
            } catch (RuntimeException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
        client.close().block(WAIT);
    }

    /**
     * A remote table {@code t} of {@code rows} rows at two revisions: {@code first} as created, {@code second} with
     * every {@code every}-th row's value changed from {@code old-...} to {@code new-...}.
     *
     * @param remote the remote
     * @param first  its first revision
     * @param second its second revision
     */
    record TwoRevisions(SqliteRemote remote, String first, String second) {

        static TwoRevisions create(Path folder, int rows, int every) {
            SqliteRemote remote = SqliteRemote.create(folder.resolve("remote.db"),
                    "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT NOT NULL)",
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " + rows + ") "
                            + "INSERT INTO t SELECT i, printf('old-%060d', i) FROM n");
            String first = remote.commitRevision();
            remote.run("UPDATE t SET v = printf('new-%060d', id) WHERE id % " + every + " = 0");
            return new TwoRevisions(remote, first, remote.commitRevision());
        }
    }

    /** What a session does with its open client. */
    @FunctionalInterface
    interface ClientWork {
        void run(DefaultSyncClient client) throws Exception;
    }

    /** Runs statements through the client's own connections (captured as local changes). */
    static void write(SyncClient client, String... statements) throws SQLException {
        try (Connection connection = client.dataSource().getConnection();
             Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    /** One integer read through the client's connections. */
    static long queryLong(SyncClient client, String sql) throws SQLException {
        try (Connection connection = client.dataSource().getConnection();
             Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            return rows.next() ? rows.getLong(1) : 0;
        }
    }

    /** The rows of a query, as text, read through the client's connections. */
    static List<String> rows(SyncClient client, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection connection = client.dataSource().getConnection();
             Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
            while (result.next()) {
                List<String> values = new ArrayList<>();
                for (int column = 1; column <= result.getMetaData().getColumnCount(); column++) {
                    values.add(result.getString(column));
                }
                rows.add(String.join("|", values));
            }
        }
        return rows;
    }

    /**
     * The replica's files and the SHA-256 of their bytes: the database and every sibling starting with its name
     * except SQLite's shared-memory index {@code -shm} (a cache SQLite rebuilds from the WAL). Read only while no
     * client has the replica open (closing a handle on a live database would drop SQLite's locks).
     */
    static Map<String, String> files(Path database) {
        Map<String, String> files = new TreeMap<>();
        String name = database.getFileName().toString();
        try (Stream<Path> siblings = Files.list(database.toAbsolutePath().getParent())) {
            for (Path file : siblings.filter(file -> file.getFileName().toString().startsWith(name)
                    && !file.getFileName().toString().endsWith("-shm")).toList()) {
                files.put(file.getFileName().toString(), digest(Files.readAllBytes(file)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    /** The SHA-256 of bytes, in hex. */
    static String digest(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The names of the replica's files that hold pages of a pull being staged. */
    static List<String> stageFiles(Path database) {
        try (Stream<Path> siblings = Files.list(database.toAbsolutePath().getParent())) {
            return siblings.map(file -> file.getFileName().toString())
                    .filter(file -> file.startsWith(database.getFileName() + "-changes-")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
