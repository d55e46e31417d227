package dev.tursosync.internal.rebase;

import dev.tursosync.internal.meta.MetadataStore;
import dev.tursosync.internal.meta.SyncMetadata;
import dev.tursosync.internal.wal.WalFrames;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;

/**
 * The synced state of a closed replica as one byte image: its file, overlaid by the synced prefix of its WAL that
 * the metadata records or, without one, by the revert store. A pull over no pending change keeps its pages in the
 * WAL, so this, not the file, is what equals the remote's bytes.
 */
public final class SyncedImage {

    private static final int PAGE_SIZE = 4096;

    private SyncedImage() {
    }

    /**
     * Reads the image.
     *
     * @param database the replica's database file; no connection may be open on it
     * @return the synced state's bytes
     */
    public static byte[] of(Path database) {
        SyncMetadata.WalPrefix prefix = new MetadataStore(database).read().map(SyncMetadata::syncedWal)
                .orElse(null);
        WalFrames frames = WalFrames.read(DatabaseFiles.walOf(database));
        int covered = SyncedPrefix.framesIn(prefix, frames);
        ByteArrayOutputStream image = new ByteArrayOutputStream();
        try (SyncedPages synced = SyncedPages.open(database, PAGE_SIZE,
                RevertStore.open(RevertStore.fileOf(database), PAGE_SIZE), frames, covered)) {
            for (long page = 1; page <= synced.sizePages(); page++) {
                image.writeBytes(synced.page(page));
            }
        }
        return image.toByteArray();
    }
}
