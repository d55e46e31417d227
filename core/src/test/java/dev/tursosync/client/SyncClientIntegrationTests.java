package dev.tursosync.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tursosync.ChangeEvent;
import dev.tursosync.ChangeOperation;
import dev.tursosync.SyncClient;
import dev.tursosync.SyncMetadataException;
import dev.tursosync.internal.client.DefaultSyncClient;
import dev.tursosync.internal.proto.PullUpdatesReqProtoBody;
import dev.tursosync.internal.pull.SnapshotFileWriter;
import dev.tursosync.internal.transport.ReactorNettySyncTransport;
import dev.tursosync.internal.transport.TransportOptions;
import dev.tursosync.testing.LocalSyncServer;
import dev.tursosync.testing.TursoServerExtension;
import dev.tursosync.internal.rebase.SyncedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.scheduler.Schedulers;

/**
 * The sync client against the real {@code tursodb --sync-server}, with the pipeline as a second writer.
 */
@ExtendWith(TursoServerExtension.class)
final class SyncClientIntegrationTests {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    private final LocalSyncServer server;
    private RemoteSql remote;
    private final List<SyncClient> clients = new ArrayList<>();
    private String table;

    SyncClientIntegrationTests(LocalSyncServer server) {
        this.server = server;
    }

    @BeforeEach
    void connect() {
        remote = new RemoteSql(server.url());
        table = "t_" + Long.toHexString(System.nanoTime());
    }

    @AfterEach
    void close() {
        clients.forEach(client -> client.close().block(WAIT));
        remote.close();
    }

    private SyncClient client(Path path) {
        SyncClient client = SyncClient.builder().path(path).url(server.url()).clientName("it").build();
        clients.add(client);
        return client;
    }

    private List<List<Object>> local(Path db, String sql) throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db);
             ResultSet rows = connection.createStatement().executeQuery(sql)) {
            return ResultRows.read(rows);
        }
    }

    private Path freshBootstrap() {
        Path copy = dir.resolve("fresh-" + System.nanoTime() + ".db");
        ReactorNettySyncTransport transport = ReactorNettySyncTransport.create(TransportOptions.of(server.url()));
        try {
            new SnapshotFileWriter(Schedulers.boundedElastic())
                    .write(transport.pullUpdates(PullUpdatesReqProtoBody.getDefaultInstance()), copy).block(WAIT);
        } finally {
            transport.close().block(WAIT);
        }
        return copy;
    }

    @Test
    void bootstrapsThenPullsRowChangesAsEventsAndMirrorsTheRemoteByteForByte() throws Exception {
        remote.transaction("CREATE TABLE " + table + " (id INTEGER PRIMARY KEY, name TEXT, qty INTEGER)",
                "INSERT INTO " + table + " VALUES (1, 'apple', 1), (2, 'banana', 2), (3, 'cherry', 3)");
        Path db = dir.resolve("app.db");
        SyncClient client = client(db);
        List<ChangeEvent> hot = new ArrayList<>();
        client.changes().subscribe(hot::add);

        client.open().block(WAIT);

        assertThat(hot).contains(ChangeEvent.reset(table));
        assertThat(client.clientId()).startsWith("it-");

        remote.transaction("INSERT INTO " + table + " VALUES (4, 'date', 4)",
                "UPDATE " + table + " SET qty = 20 WHERE id = 2",
                "DELETE FROM " + table + " WHERE id = 3");
        List<ChangeEvent> events = client.pullChanges().collectList().block(WAIT);

        assertThat(events).containsExactly(
                new ChangeEvent(table, ChangeOperation.UPDATE, 2L, Map.of("id", 2L, "name", "banana", "qty", 20L),
                        Map.of("id", 2L, "name", "banana", "qty", 2L)),
                new ChangeEvent(table, ChangeOperation.DELETE, 3L, Map.of(),
                        Map.of("id", 3L, "name", "cherry", "qty", 3L)),
                new ChangeEvent(table, ChangeOperation.INSERT, 4L, Map.of("id", 4L, "name", "date", "qty", 4L),
                        Map.of()));
        assertThat(hot).containsAll(events);
        assertThat(local(db, "SELECT id, qty FROM " + table + " ORDER BY id"))
                .containsExactly(List.of(1L, 1L), List.of(2L, 20L), List.of(4L, 4L));
        assertThat(local(db, "PRAGMA integrity_check")).containsExactly(List.of("ok"));

        client.close().block(WAIT);
        assertThat(SyncedImage.of(db)).as("synced state: same bytes as a fresh bootstrap")
                .isEqualTo(Files.readAllBytes(freshBootstrap()));
    }

    /** Also upstream's {@code test_sync_pull_no_changes_updates_last_pull_unix_time}: the pull time moves. */
    @Test
    void aPullWithNothingNewEmitsNothing() throws java.io.IOException {
        remote.execute("CREATE TABLE " + table + " (x)");
        SyncClient client = client(dir.resolve("app.db"));
        client.open().block(WAIT);
        String revision = client.stats().block(WAIT).revision();
        Instant beforePull = Instant.now();

        assertThat(client.pullChanges().collectList().block(WAIT)).isEmpty();
        assertThat(client.stats().block(WAIT).revision()).isEqualTo(revision);
        assertThat(client.stats().block(WAIT).lastPullTime()).as("recorded by a pull that found nothing new")
                .isAfterOrEqualTo(beforePull);
        try (var files = java.nio.file.Files.list(dir)) {
            assertThat(files.map(file -> file.getFileName().toString()))
                    .as("no staged pull left behind").noneMatch(name -> name.startsWith("app.db-changes"));
        }
    }

    @Test
    void closeAndReopenResumesWithoutBootstrapping() {
        remote.execute("CREATE TABLE " + table + " (id INTEGER PRIMARY KEY, v TEXT)");
        Path db = dir.resolve("app.db");
        SyncClient first = client(db);
        first.open().block(WAIT);
        String id = first.clientId();
        String revision = first.stats().block(WAIT).revision();
        first.close().block(WAIT);

        SyncClient second = client(db);
        second.open().block(WAIT);

        assertThat(second.clientId()).isEqualTo(id);
        assertThat(second.stats().block(WAIT).revision()).isEqualTo(revision);
        assertThat(second.stats().block(WAIT).bytesReceived()).as("no bootstrap on reopen").isZero();
        remote.execute("INSERT INTO " + table + " VALUES (7, 'seven')");
        assertThat(second.pullChanges().collectList().block(WAIT)).singleElement()
                .satisfies(event -> assertThat(event.newValues()).containsEntry("v", "seven"));
    }

    @Test
    void rowsLargerThanAPageComeWithTheirWholeValues() {
        remote.execute("CREATE TABLE " + table + " (id INTEGER PRIMARY KEY, body TEXT, data BLOB)");
        SyncClient client = client(dir.resolve("app.db"));
        client.open().block(WAIT);
        String big = "x".repeat(50_000);

        remote.execute("INSERT INTO " + table + " VALUES (1, ?, zeroblob(20000))", big);
        List<ChangeEvent> inserted = client.pullChanges().collectList().block(WAIT);
        remote.execute("UPDATE " + table + " SET body = ? WHERE id = 1", big.replace('x', 'y'));
        List<ChangeEvent> updated = client.pullChanges().collectList().block(WAIT);

        assertThat(inserted).singleElement().satisfies(event -> {
            assertThat(event.operation()).isEqualTo(ChangeOperation.INSERT);
            assertThat(event.newValues().get("body")).isEqualTo(big);
            assertThat((byte[]) event.newValues().get("data")).hasSize(20_000);
        });
        assertThat(updated).singleElement().satisfies(event -> {
            assertThat(event.operation()).isEqualTo(ChangeOperation.UPDATE);
            assertThat(event.oldValues().get("body")).isEqualTo(big);
            assertThat(event.newValues().get("body")).isEqualTo(big.replace('x', 'y'));
        });
    }

    @Test
    void tablesCreatedAndDroppedRemotelyAreReset() {
        remote.execute("CREATE TABLE " + table + "_old (x)");
        SyncClient client = client(dir.resolve("app.db"));
        client.open().block(WAIT);

        remote.transaction("DROP TABLE " + table + "_old", "CREATE TABLE " + table + "_new (y)",
                "INSERT INTO " + table + "_new VALUES (1)");

        assertThat(client.pullChanges().collectList().block(WAIT))
                .containsExactlyInAnyOrder(ChangeEvent.reset(table + "_old"), ChangeEvent.reset(table + "_new"));
    }

    /** tursodb 0.7.0 stores the key in the record when an upsert updates a row; SQLite ignores it, so must we. */
    @Test
    void aRowUpdatedByARemoteUpsertKeepsItsKey() {
        remote.transaction("CREATE TABLE " + table + " (id INTEGER PRIMARY KEY, v TEXT)",
                "INSERT INTO " + table + " VALUES (1, 'one'), (2, 'two')");
        SyncClient client = client(dir.resolve("app.db"));
        client.open().block(WAIT);

        remote.execute("INSERT INTO " + table + " VALUES (2, 'upserted') ON CONFLICT(id) DO UPDATE SET v = excluded.v");
        List<ChangeEvent> first = client.pullChanges().collectList().block(WAIT);
        remote.execute("INSERT INTO " + table + " VALUES (3, 'three')");
        List<ChangeEvent> second = client.pullChanges().collectList().block(WAIT);

        assertThat(first).containsExactly(new ChangeEvent(table, ChangeOperation.UPDATE, 2L,
                Map.of("id", 2L, "v", "upserted"), Map.of("id", 2L, "v", "two")));
        assertThat(second).extracting(ChangeEvent::rowid).containsExactly(3L);
    }

    @Test
    void aPullOverUnpushedLocalWritesRebasesThemAndReportsOnlyRemoteChanges() throws Exception {
        remote.execute("CREATE TABLE " + table + " (id INTEGER PRIMARY KEY, v TEXT)");
        Path db = dir.resolve("app.db");
        DefaultSyncClient client = (DefaultSyncClient) client(db);
        client.open().block(WAIT);
        client.connections().withConnection(connection ->
                connection.createStatement().executeUpdate("INSERT INTO " + table + " VALUES (1, 'local')"))
                .block(WAIT);
        remote.execute("INSERT INTO " + table + " VALUES (2, 'remote')");

        List<ChangeEvent> events = client.pullChanges().collectList().block(WAIT);

        assertThat(events).extracting(ChangeEvent::rowid).containsExactly(2L);
        List<String> values = client.connections().withConnection(connection -> {
            List<String> found = new ArrayList<>();
            try (ResultSet rows = connection.createStatement().executeQuery("SELECT v FROM " + table
                    + " ORDER BY id")) {
                while (rows.next()) {
                    found.add(rows.getString(1));
                }
            }
            return found;
        }).block(WAIT);
        assertThat(values).containsExactly("local", "remote");
        assertThat(client.stats().block(WAIT).pendingChanges()).isEqualTo(1);
    }

    @Test
    void aDatabaseWithoutMetadataIsRefused() throws Exception {
        Path db = dir.resolve("foreign.db");
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            connection.createStatement().execute("CREATE TABLE mine (x)");
        }
        assertThatThrownBy(() -> client(db).open().block(WAIT))
                .isInstanceOf(SyncMetadataException.class)
                .hasMessageContaining("metadata")
                .hasMessageContaining("missing");
        assertThat(local(db, "SELECT name FROM sqlite_schema")).containsExactly(List.of("mine"));
    }

    @Test
    void corruptMetadataIsRefused() throws Exception {
        Path db = dir.resolve("app.db");
        SyncClient first = client(db);
        first.open().block(WAIT);
        first.close().block(WAIT);
        Files.writeString(db.resolveSibling("app.db-info"), "{\"version\":1,\"client_id\":");

        assertThatThrownBy(() -> client(db).open().block(WAIT))
                .isInstanceOf(SyncMetadataException.class)
                .hasMessageContaining("corrupt");
    }

    @Test
    void withoutBootstrapTheFirstPullBringsTheWholeDatabase() throws Exception {
        remote.transaction("CREATE TABLE " + table + " (id INTEGER PRIMARY KEY, v TEXT)",
                "INSERT INTO " + table + " VALUES (1, 'one'), (2, 'two')");
        Path db = dir.resolve("deferred.db");
        SyncClient client = SyncClient.builder().path(db).url(server.url()).clientName("it")
                .bootstrapIfEmpty(false).build();
        clients.add(client);

        client.open().block(WAIT);
        assertThat(client.stats().block(WAIT).revision()).isNull();
        assertThat(client.stats().block(WAIT).bytesReceived()).isZero();
        List<ChangeEvent> events = client.pullChanges().collectList().block(WAIT);

        assertThat(events).contains(ChangeEvent.reset(table));
        assertThat(local(db, "SELECT id, v FROM " + table + " ORDER BY id"))
                .containsExactly(List.of(1L, "one"), List.of(2L, "two"));
        assertThat(local(db, "PRAGMA integrity_check")).containsExactly(List.of("ok"));
        client.close().block(WAIT);
        assertThat(SyncedImage.of(db)).isEqualTo(Files.readAllBytes(freshBootstrap()));
    }

    @Test
    void usingTheClientBeforeOpenFailsWithATypedErrorWhenSubscribed() {
        SyncClient client = client(dir.resolve("never-opened.db"));
        reactor.core.publisher.Mono<dev.tursosync.SyncStats> stats = client.stats();

        assertThatThrownBy(() -> stats.block(WAIT)).isInstanceOf(dev.tursosync.SyncClosedException.class);
        assertThatThrownBy(() -> client.pullChanges().blockLast(WAIT))
                .isInstanceOf(dev.tursosync.SyncClosedException.class);
    }
}
