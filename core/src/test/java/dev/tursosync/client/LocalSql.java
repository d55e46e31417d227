package dev.tursosync.client;

import dev.tursosync.SyncClient;
import dev.tursosync.internal.client.DefaultSyncClient;
import dev.tursosync.internal.db.ConnectionManager;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

/** Local reads and writes through a client's own connections, telling capture about each statement. */
final class LocalSql {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private LocalSql() {
    }

    /** Runs each statement in its own auto-commit transaction. */
    static void execute(SyncClient client, String... statements) {
        ConnectionManager manager = manager(client);
        manager.withConnection(connection -> {
            for (String sql : statements) {
                run(manager, connection, sql);
            }
            return true;
        }).block(WAIT);
    }

    /** Runs one statement with arguments. */
    static void execute(SyncClient client, String sql, Object... args) {
        ConnectionManager manager = manager(client);
        manager.withConnection(connection -> {
            manager.beforeStatement(connection, sql);
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) {
                    statement.setObject(i + 1, args[i]);
                }
                statement.execute();
            }
            manager.afterStatement(connection, sql);
            return true;
        }).block(WAIT);
    }

    /** Runs the statements in one transaction. */
    static void transaction(SyncClient client, String... statements) {
        ConnectionManager manager = manager(client);
        manager.withConnection(connection -> {
            connection.setAutoCommit(false);
            try {
                for (String sql : statements) {
                    run(manager, connection, sql);
                }
                connection.commit();
            } catch (Exception e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
            return true;
        }).block(WAIT);
    }

    /** Rows of a query, values as JDBC returns them ({@code Integer}/{@code Long}, {@code Double}, ...). */
    static List<List<Object>> query(SyncClient client, String sql) {
        return manager(client).withConnection(connection -> {
            try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
                return ResultRows.read(rows);
            }
        }).block(WAIT);
    }

    private static void run(ConnectionManager manager, Connection connection, String sql) throws Exception {
        manager.beforeStatement(connection, sql);
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
        manager.afterStatement(connection, sql);
    }

    private static ConnectionManager manager(SyncClient client) {
        return ((DefaultSyncClient) client).connections();
    }
}
