package dev.tursosync.internal.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplicaConnectionsTests {

    @TempDir
    Path folder;

    /** quick_check of a bootstrap reads the file through a memory map, not one read() per page. */
    @Test
    void aCheckOnlyConnectionMapsTheFile() throws Exception {
        Path file = folder.resolve("checked.db");
        try (Connection writer = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement statement = writer.createStatement()) {
            statement.execute("CREATE TABLE t(x)");
        }
        assertThat(mmapSize(ReplicaConnections.open(file, ReplicaConnections.Role.CHECK_ONLY)))
                .isEqualTo(ReplicaConnections.CHECK_MMAP_BYTES);
        assertThat(mmapSize(ReplicaConnections.open(file, ReplicaConnections.Role.READ_ONLY)))
                .as("other connections keep SQLite's default").isZero();
    }

    private static long mmapSize(Connection connection) throws Exception {
        try (connection; Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("PRAGMA mmap_size")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static void exec(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
