package dev.tursosync.bench;

import dev.tursosync.SyncClient;
import dev.tursosync.internal.client.DefaultSyncClient;
import dev.tursosync.internal.db.ConnectionManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Local SQL on a Java client's own connections, telling change capture about each statement. */
final class JavaSql {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private JavaSql() {
    }

    /** Runs each statement in its own auto-commit transaction. */
    static void execute(SyncClient client, String... statements) {
        ConnectionManager manager = ((DefaultSyncClient) client).connections();
        manager.withConnection(connection -> {
            for (String sql : statements) {
                manager.beforeStatement(connection, sql);
                try (Statement statement = connection.createStatement()) {
                    statement.execute(sql);
                }
                manager.afterStatement(connection, sql);
            }
            return true;
        }).block(WAIT);
    }

    /** Rows of a query; integers as {@code Long}. */
    static List<List<Object>> query(SyncClient client, String sql) {
        return ((DefaultSyncClient) client).connections().withConnection(connection -> {
            List<List<Object>> rows = new ArrayList<>();
            try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
                int columns = result.getMetaData().getColumnCount();
                while (result.next()) {
                    List<Object> row = new ArrayList<>();
                    for (int i = 1; i <= columns; i++) {
                        Object value = result.getObject(i);
                        row.add(value instanceof Integer small ? Long.valueOf(small) : value);
                    }
                    rows.add(row);
                }
            }
            return rows;
        }).block(WAIT);
    }
}
