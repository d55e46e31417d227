package dev.tursosync.internal.rebase;

import dev.tursosync.internal.wal.WalFrames;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The sync-aware checkpoint: folds the WAL into the database file while keeping the synced state recoverable.
 *
 * <p>Before SQLite copies the WAL's pages into the file, the synced version of each of them (the file's page, unless
 * the revert store has it already) is added to the {@linkplain RevertStore revert store} and forced. Pages the
 * local database no longer has (it shrank below the synced size) are saved too, since the checkpoint truncates the
 * file. Then {@code wal_checkpoint(TRUNCATE)} runs. A crash before the checkpoint leaves extra stored pages that
 * still equal the file's; a crash during it is SQLite's to recover.
 */
public final class SyncCheckpoint {

    private static final int CHUNK_PAGES = 256;

    private final Path database;
    private final int pageSize;

    /**
     * Creates the checkpoint of a database.
     *
     * @param database the database file
     * @param pageSize its page size
     */
    public SyncCheckpoint(Path database, int pageSize) {
        this.database = database;
        this.pageSize = pageSize;
    }

    /**
     * Runs the checkpoint. Call with every connection closed.
     *
     * @return how many pages were added to the revert store
     */
    public int run() {
        if (DatabaseFiles.isEmpty(database)) {
            return 0;
        }
        WalFrames frames = WalFrames.read(DatabaseFiles.walOf(database));
        if (frames.count() == 0) {
            DatabaseFiles.checkpointTruncate(database);
            return 0;
        }
        RevertStore revert = RevertStore.open(RevertStore.fileOf(database), pageSize);
        int saved = 0;
        try (SyncedPages synced = SyncedPages.open(database, pageSize, revert)) {
            long syncedSize = synced.sizePages();
            long localSize = frames.commitSize(frames.count());
            Map<Integer, byte[]> chunk = new HashMap<>();
            for (int frame = 1; frame <= frames.count(); frame++) {
                saved += keep(frames.pageNumber(frame), syncedSize, revert, synced, chunk);
            }
            for (long page = localSize + 1; page <= syncedSize; page++) {
                saved += keep(page, syncedSize, revert, synced, chunk);
            }
            revert.addAbsent(chunk, syncedSize);
        }
        DatabaseFiles.checkpointTruncate(database);
        return saved;
    }

    private static int keep(long pageNumber, long syncedSize, RevertStore revert, SyncedPages synced,
                            Map<Integer, byte[]> chunk) {
        int key = (int) pageNumber;
        if (pageNumber > syncedSize || revert.contains(pageNumber) || chunk.containsKey(key)) {
            return 0;
        }
        byte[] page = synced.page(pageNumber);
        if (page == null) {
            return 0;
        }
        chunk.put(key, page);
        if (chunk.size() >= CHUNK_PAGES) {
            revert.addAbsent(chunk, syncedSize);
            chunk.clear();
        }
        return 1;
    }
}
