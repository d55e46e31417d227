package dev.tursosync.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tursosync.SyncClient;
import dev.tursosync.internal.rebase.RevertStore;
import dev.tursosync.testing.LocalSyncServer;
import dev.tursosync.testing.TursoServerExtension;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints of a replica that grew locally beyond the synced size. The synced size comes from the remote's page 1,
 * whose header {@code tursodb} 0.7.0 writes with a version-valid-for number (its library version) that differs
 * from the change counter, the condition under which SQLite itself ignores the in-header size.
 */
@ExtendWith(TursoServerExtension.class)
final class CheckpointBeyondSyncedSizeIntegrationTests {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int PAGE_SIZE = 4096;

    private final LocalSyncServer server;

    CheckpointBeyondSyncedSizeIntegrationTests(LocalSyncServer server) {
        this.server = server;
    }

    @Test
    void theRevertStoreHoldsOnlyPagesOfTheSyncedStateAndTheNextPullRebasesExactly(@TempDir Path dir)
            throws Exception {
        String table = "grow_" + Long.toHexString(System.nanoTime());
        try (RemoteSql remote = new RemoteSql(server.url())) {
            remote.transaction("CREATE TABLE " + table + " (id INTEGER PRIMARY KEY, v TEXT)",
                    "INSERT INTO " + table + " VALUES (1000, 'remote')");
            Path db = dir.resolve("app.db");
            SyncClient client = SyncClientsForTests.open(db, server.url());
            try {
                long syncedPages = Integer.toUnsignedLong(ByteBuffer.wrap(Files.readAllBytes(db), 28, 4).getInt());
                for (int round = 0; round < 3; round++) {
                    for (int i = 0; i < 20; i++) {
                        LocalSql.execute(client, "INSERT INTO " + table + " VALUES (?, printf('%.3000c', 'x'))",
                                round * 100 + i);
                    }
                    client.checkpoint().block(WAIT);
                }
                assertThat(Files.size(db) / PAGE_SIZE).as("the file grew beyond the synced size")
                        .isGreaterThan(syncedPages);
                int[] stored = RevertStore.open(RevertStore.fileOf(db), PAGE_SIZE).pageNumbers();
                assertThat(Arrays.stream(stored).boxed().toList()).as("revert store pages, synced size %d",
                        syncedPages).allMatch(page -> page <= syncedPages);

                remote.execute("INSERT INTO " + table + " VALUES (1001, 'remote too')");
                client.pullChanges().blockLast(WAIT);
                assertThat(LocalSql.query(client, "SELECT count(*), sum(id >= 1000) FROM " + table))
                        .containsExactly(List.of(62L, 2L));
            } finally {
                client.close().block(WAIT);
            }
        }
    }
}
