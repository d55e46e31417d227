package dev.tursosync.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tursosync.internal.proto.PullUpdatesReqProtoBody;
import dev.tursosync.internal.pull.SnapshotFileWriter;
import dev.tursosync.internal.meta.MetadataStore;
import dev.tursosync.internal.rebase.DatabaseFiles;
import dev.tursosync.internal.rebase.RevertStore;
import dev.tursosync.internal.rebase.SyncedPrefix;
import dev.tursosync.internal.wal.WalFrames;
import dev.tursosync.internal.rebase.SyncedPages;
import dev.tursosync.internal.transport.ReactorNettySyncTransport;
import dev.tursosync.internal.transport.TransportOptions;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import reactor.core.scheduler.Schedulers;

/**
 * Checks that a closed replica's synced state (its file with the revert store's pages put back, or with the synced
 * prefix of its WAL over it) is byte for byte a
 * fresh bootstrap of the remote's current revision.
 */
final class SyncedStateAssert {

    private static final int PAGE_SIZE = 4096;

    private SyncedStateAssert() {
    }

    static void assertSyncedStateIsTheRemote(Path database, String url, Path scratch) throws IOException {
        Path fresh = scratch.resolve("fresh-" + System.nanoTime() + ".db");
        snapshot(url, fresh);
        assertSyncedStateIs(database, fresh);
    }

    /**
     * Bootstraps the remote's current revision into a file, as a fresh client would.
     *
     * @return the revision the file holds
     */
    static String snapshot(String url, Path file) {
        ReactorNettySyncTransport transport = ReactorNettySyncTransport.create(TransportOptions.of(url));
        try {
            return new SnapshotFileWriter(Schedulers.boundedElastic())
                    .write(transport.pullUpdates(PullUpdatesReqProtoBody.getDefaultInstance()), file)
                    .block(Duration.ofSeconds(60)).header().revision();
        } finally {
            transport.close().block(Duration.ofSeconds(60));
        }
    }

    /** The closed replica's synced state (with the prefix its metadata records) is the file, byte for byte. */
    static void assertSyncedStateIs(Path database, Path expectedFile) throws IOException {
        long expectedPages = Files.size(expectedFile) / PAGE_SIZE;
        WalFrames frames = WalFrames.read(DatabaseFiles.walOf(database));
        int prefix = SyncedPrefix.framesIn(new MetadataStore(database).read().orElseThrow().syncedWal(), frames);
        try (SyncedPages synced = SyncedPages.open(database, PAGE_SIZE,
                     RevertStore.open(RevertStore.fileOf(database), PAGE_SIZE), frames, prefix);
             FileChannel expected = FileChannel.open(expectedFile, StandardOpenOption.READ)) {
            assertThat(synced.sizePages()).as("synced size").isEqualTo(expectedPages);
            for (long page = 1; page <= expectedPages; page++) {
                byte[] want = new byte[PAGE_SIZE];
                expected.read(java.nio.ByteBuffer.wrap(want), (page - 1) * PAGE_SIZE);
                assertThat(Arrays.equals(synced.page(page), want)).as("synced page %d", page).isTrue();
            }
        }
    }
}
