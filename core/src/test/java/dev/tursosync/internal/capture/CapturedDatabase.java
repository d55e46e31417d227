package dev.tursosync.internal.capture;

import dev.tursosync.internal.db.ConnectionManager;
import java.nio.file.Path;
import java.sql.Statement;

/** A test database whose connections capture changes as the client's do, without a sync client around them. */
final class CapturedDatabase {

    private CapturedDatabase() {
    }

    /**
     * Opens connections to a file with capture installed on each.
     *
     * @param file           the database file
     * @param maxConnections how many connections the manager may open
     * @return the manager; the caller closes it
     */
    static ConnectionManager open(Path file, int maxConnections) {
        ConnectionManager manager = new ConnectionManager(file, maxConnections);
        ChangeCapture capture = new ChangeCapture();
        manager.setConnectionInitializer(capture);
        manager.setStatementObserver(capture);
        return manager;
    }

    /** Runs statements one by one, telling the observer about each, as the statement layer does. */
    static void run(ConnectionManager manager, String... statements) {
        manager.withConnection(connection -> {
            for (String sql : statements) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute(sql);
                }
                manager.afterStatement(connection, sql);
            }
            return true;
        }).block();
    }
}
