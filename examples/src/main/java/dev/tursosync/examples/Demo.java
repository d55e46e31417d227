package dev.tursosync.examples;

import dev.tursosync.ChangeEvent;
import dev.tursosync.SyncClient;
import dev.tursosync.SyncStats;
import dev.tursosync.testing.LocalSyncServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The README's first command: a local replica that follows a remote database.
 *
 * <p>With no {@code TURSO_URL} it starts a local {@code tursodb --sync-server} (installed from npm on first use);
 * otherwise it uses that remote with {@code TURSO_AUTH_TOKEN}. Another writer changes the remote; the replica pulls
 * and prints the row-level change events it decoded from the pulled pages.
 */
public final class Demo {

    private static final Duration WAIT = Duration.ofMinutes(2);
    private static final String TABLE = "demo_notes";

    private Demo() {
    }

    /**
     * Runs the demo.
     *
     * @param args ignored
     * @throws Exception if any step fails; the exit code is then non-zero
     */
    public static void main(String[] args) throws Exception {
        String url = System.getenv("TURSO_URL");
        String token = System.getenv("TURSO_AUTH_TOKEN");
        LocalSyncServer localServer = null;
        if (url == null || url.isBlank()) {
            say("No TURSO_URL set: starting a local tursodb --sync-server (installed from npm on first use)...");
            localServer = LocalSyncServer.start();
            url = localServer.url();
            say("Local sync server listening at " + url + " (pid " + localServer.pid() + ").");
        } else {
            say("Using the remote at " + url + ".");
        }
        Path workDir = Files.createTempDirectory("tursosync-demo");
        try (RemoteWriter remote = new RemoteWriter(url, token)) {
            run(url, token, remote, workDir.resolve("replica.db"));
            say("Done.");
        } finally {
            deleteRecursively(workDir);
            if (localServer != null) {
                localServer.close();
                say("Stopped the local sync server.");
            }
        }
    }

    private static void run(String url, String token, RemoteWriter remote, Path replica) throws SQLException {
        say("Another writer creates " + TABLE + " on the remote and adds three notes...");
        remote.transaction(
                "CREATE TABLE IF NOT EXISTS " + TABLE + " (id INTEGER PRIMARY KEY, body TEXT NOT NULL)",
                "DELETE FROM " + TABLE,
                "INSERT INTO " + TABLE + " VALUES (1, 'buy milk'), (2, 'call Ada'), (3, 'ship the sync client')");

        SyncClient.Builder builder = SyncClient.builder().path(replica).url(url).clientName("demo");
        if (token != null && !token.isBlank()) {
            builder.authToken(token);
        }
        SyncClient client = builder.build();
        client.changes().subscribe(event -> say("  change event: " + describe(event)));
        try {
            say("Opening a local replica at " + replica + " (bootstrap from the page stream)...");
            client.open().block(WAIT);
            say("  client id " + client.clientId());
            printNotes(replica);

            say("The other writer marks note 2 done, adds note 4 and deletes note 1...");
            remote.transaction(
                    "UPDATE " + TABLE + " SET body = 'called Ada' WHERE id = 2",
                    "INSERT INTO " + TABLE + " VALUES (4, 'write the docs')",
                    "DELETE FROM " + TABLE + " WHERE id = 1");

            say("Pulling: only the changed pages travel; events are decoded from them...");
            long events = client.pullChanges().count().block(WAIT);
            say("  " + events + " row event(s).");
            printNotes(replica);

            SyncStats stats = client.stats().block(WAIT);
            say("  revision " + stats.revision() + ", " + stats.bytesReceived() + " bytes received, database "
                    + stats.databaseSizeBytes() + " bytes.");
        } finally {
            client.close().block(WAIT);
        }
    }

    private static String describe(ChangeEvent event) {
        return switch (event.operation()) {
            case RESET -> "table " + event.table() + " (re)loaded as a whole";
            case INSERT -> "inserted " + event.newValues();
            case UPDATE -> "updated " + event.oldValues() + " -> " + event.newValues();
            case DELETE -> "deleted " + event.oldValues();
        };
    }

    /** Reads the replica with plain JDBC; an R2DBC facade over the client's connections is on the way. */
    private static void printNotes(Path replica) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + replica);
             ResultSet rows = connection.createStatement()
                     .executeQuery("SELECT id, body FROM " + TABLE + " ORDER BY id")) {
            while (rows.next()) {
                say("    note " + rows.getLong(1) + ": " + rows.getString(2));
            }
        }
    }

    private static void deleteRecursively(Path folder) throws IOException {
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    static void say(String line) {
        System.out.println(line);
    }
}
