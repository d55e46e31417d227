package dev.tursosync.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tursosync.ChangeEvent;
import dev.tursosync.ChangeOperation;
import dev.tursosync.SyncClient;
import dev.tursosync.testing.LocalSyncServer;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pages with reserved bytes at their end, as Turso's encryption ciphers need (28, 32 or 48 bytes): the remote's
 * database is prepared with 32 reserved bytes per page (header byte 20, set on an empty database and made real by
 * {@code VACUUM}, which rebuilds every page with the requested reserve), then {@code tursodb} writes through it. The
 * replica inherits the reserve with page 1 and everything reads the usable size (page size minus reserve) from the
 * header: row events with overflow chains decode, pulled pages apply, local writes keep out of the reserved bytes,
 * and a checkpoint leaves a database SQLite finds intact.
 */
final class ReservedBytesIntegrationTests {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int RESERVED = 32;

    @TempDir
    Path dir;
    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    @Test
    void eventsApplyAndCheckpointWorkWithThirtyTwoReservedBytesPerPage() throws Exception {
        Path data = dir.resolve("server");
        java.nio.file.Files.createDirectories(data);
        Path remoteFile = data.resolve("remote.db");
        createEmptyDatabaseWithReserve(remoteFile, RESERVED);
        assertThat(reservedBytes(remoteFile)).isEqualTo(RESERVED);

        LocalSyncServer server = LocalSyncServer.builder().dataDirectory(data).start();
        resources.add(server);
        RemoteSql remote = new RemoteSql(server.url());
        resources.add(remote);
        String big = "x".repeat(9_000); // three pages of payload: an overflow chain sized by the usable size
        remote.transaction("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)",
                "INSERT INTO notes VALUES (1, 'short')",
                "INSERT INTO notes VALUES (2, '" + big + "')");

        SyncClient a = SyncClientsForTests.open(dir.resolve("a.db"), server.url());
        resources.add(() -> a.close().block(WAIT));
        assertThat(reservedBytes(dir.resolve("a.db"))).as("the replica carries the remote's reserve").isEqualTo(RESERVED);
        assertThat(LocalSql.query(a, "SELECT id, length(body) FROM notes ORDER BY id"))
                .containsExactly(List.of(1L, 5L), List.of(2L, 9_000L));

        // remote changes, decoded into row events, overflow chains included
        String bigger = "y".repeat(12_345);
        remote.transaction("UPDATE notes SET body = '" + bigger + "' WHERE id = 1",
                "INSERT INTO notes VALUES (3, 'three')",
                "DELETE FROM notes WHERE id = 2");
        List<ChangeEvent> events = a.pullChanges().collectList().block(WAIT);
        assertThat(events).anySatisfy(event -> {
            assertThat(event.operation()).isEqualTo(ChangeOperation.UPDATE);
            assertThat(event.rowid()).isEqualTo(1L);
            assertThat(event.newValues().get("body")).isEqualTo(bigger);
            assertThat(event.oldValues().get("body")).isEqualTo("short");
        });
        assertThat(events).anySatisfy(event -> {
            assertThat(event.operation()).isEqualTo(ChangeOperation.DELETE);
            assertThat(event.rowid()).isEqualTo(2L);
            assertThat(event.oldValues().get("body")).isEqualTo(big);
        });
        assertThat(events).anySatisfy(event -> {
            assertThat(event.operation()).isEqualTo(ChangeOperation.INSERT);
            assertThat(event.newValues().get("body")).isEqualTo("three");
        });

        // local writes on top, pushed, then a rebase over another remote write, then a checkpoint
        LocalSql.execute(a, "INSERT INTO notes VALUES (4, '" + "z".repeat(7_000) + "')");
        a.push().block(WAIT);
        LocalSql.execute(a, "UPDATE notes SET body = 'local' WHERE id = 3");
        remote.execute("INSERT INTO notes VALUES (5, 'remote')");
        a.sync().block(WAIT);
        a.checkpoint().block(WAIT);

        List<List<Object>> expected = remote.query("SELECT id, length(body), substr(body, 1, 5) FROM notes ORDER BY id");
        assertThat(expected).hasSize(4);
        assertThat(LocalSql.query(a, "SELECT id, length(body), substr(body, 1, 5) FROM notes ORDER BY id"))
                .isEqualTo(expected);
        assertThat(LocalSql.query(a, "PRAGMA integrity_check")).containsExactly(List.of("ok"));
        assertThat(reservedBytes(dir.resolve("a.db"))).isEqualTo(RESERVED);

        SyncClient b = SyncClientsForTests.open(dir.resolve("b.db"), server.url());
        resources.add(() -> b.close().block(WAIT));
        assertThat(LocalSql.query(b, "SELECT id, length(body), substr(body, 1, 5) FROM notes ORDER BY id"))
                .isEqualTo(expected);
        assertThat(LocalSql.query(b, "PRAGMA integrity_check")).containsExactly(List.of("ok"));
    }

    /**
     * An empty WAL-mode database whose pages keep {@code reserve} bytes: header byte 20 is set while page 1 holds no
     * cell, then {@code VACUUM} rebuilds the file with that reserve (SQLite copies the main database's reserve).
     */
    private static void createEmptyDatabaseWithReserve(Path file, int reserve) throws SQLException, IOException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA page_size = 4096");
            statement.execute("PRAGMA user_version = 1");
        }
        try (RandomAccessFile raw = new RandomAccessFile(file.toFile(), "rw")) {
            raw.seek(20);
            raw.write(reserve);
        }
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement statement = connection.createStatement()) {
            statement.execute("VACUUM");
            statement.execute("PRAGMA journal_mode = WAL");
        }
    }

    private static int reservedBytes(Path file) throws IOException {
        try (RandomAccessFile raw = new RandomAccessFile(file.toFile(), "r")) {
            raw.seek(20);
            return raw.read();
        }
    }
}
