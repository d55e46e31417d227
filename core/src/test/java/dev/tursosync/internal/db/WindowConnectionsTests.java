package dev.tursosync.internal.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteConnectionConfig;

class WindowConnectionsTests {

    @TempDir
    Path folder;

    /**
     * A pull over pending changes appends its remote transaction without forcing the WAL and relies on the replay's
     * commit to force it: the window's writer must commit with {@code synchronous = FULL} (2), whatever SQLite's
     * compiled default is; it begins its transactions {@code IMMEDIATE} and reads no generated keys until it is
     * kept, and is a client connection again afterwards (still at {@code FULL}, which the application expects).
     */
    @Test
    void theReplaysWriterForcesTheWalAtEachCommitAndIsAClientConnectionOnceKept() throws SQLException {
        Path database = folder.resolve("app.db");
        try (Connection client = ReplicaConnections.open(database, ReplicaConnections.Role.CLIENT)) {
            exec(client, "CREATE TABLE t(id INTEGER PRIMARY KEY)");
        }
        try (WindowConnections window = WindowConnections.unmanaged(database)) {
            Connection writer = window.writer();
            SQLiteConnectionConfig config = writer.unwrap(SQLiteConnection.class).getConnectionConfig();
            assertThat(pragma(writer, "journal_mode")).isEqualTo("wal");
            assertThat(pragma(writer, "synchronous")).as("synchronous = FULL").isEqualTo("2");
            assertThat(config.getTransactionMode()).isEqualTo(SQLiteConfig.TransactionMode.IMMEDIATE);
            assertThat(config.isGetGeneratedKeys()).isFalse();

            window.keep();
            assertThat(pragma(writer, "synchronous")).as("synchronous = FULL").isEqualTo("2");
            assertThat(config.getTransactionMode()).isEqualTo(SQLiteConfig.TransactionMode.DEFERRED);
            assertThat(config.isGetGeneratedKeys()).isTrue();
        }
    }

    private static String pragma(Connection connection, String name) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("PRAGMA " + name)) {
            row.next();
            return row.getString(1);
        }
    }

    private static void exec(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
