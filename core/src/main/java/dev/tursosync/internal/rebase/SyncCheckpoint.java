package dev.tursosync.internal.rebase;

import dev.tursosync.internal.meta.SyncMetadata.WalPrefix;
import dev.tursosync.internal.wal.WalFrames;
import dev.tursosync.internal.wal.WalReader;
import dev.tursosync.internal.io.AtomicFile;
import dev.tursosync.internal.io.KillPoints;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The sync-aware checkpoint: folds the WAL into the database file while keeping the synced state recoverable.
 *
 * <p>Without a {@linkplain SyncedPrefix synced prefix} in the WAL: before SQLite copies the WAL's pages into the
 * file, the synced version of each of them (the file's page, unless the revert store has it already) is added to
 * the {@linkplain RevertStore revert store} and forced. Pages the local database no longer has (it shrank below the
 * synced size) are saved too, since the checkpoint truncates the file. Then {@code wal_checkpoint(TRUNCATE)} runs.
 * A crash before the checkpoint leaves extra stored pages that still equal the file's; a crash during it is
 * SQLite's to recover.
 *
 * <p>With a synced prefix, the old store is stale (the pull that wrote the prefix wrote the synced version of each
 * of its pages), so a new store replaces it, written in place (the store is not read while the prefix holds):
 * the synced version (the prefix's frame, else the
 * file's page) of every page written by the local frames after the prefix, and of the pages beyond the local size.
 * The pages only the prefix wrote need no entry: the checkpoint folds their synced version into the file. Until the
 * checkpoint empties the WAL the prefix still holds and the store is not read; once it is empty the recorded prefix
 * no longer matches, so the file with the new store is the synced state. The caller then records that there is no
 * prefix, which is only tidying.
 *
 * <p>It runs either with every connection closed, on a connection of its own, or on a database the client keeps
 * open ({@link OpenDatabase}): the pages are then read through the kept handle on the file and SQLite's checkpoint
 * runs on an idle pooled connection. The order is the same: the store written and forced, then the checkpoint.
 */
public final class SyncCheckpoint {

    private static final int CHUNK_PAGES = 256;

    private final Path database;
    private final int pageSize;
    private final WalReader walReader;

    /**
     * Creates the checkpoint of a database, with a WAL reader of its own.
     *
     * @param database the database file
     * @param pageSize its page size
     */
    public SyncCheckpoint(Path database, int pageSize) {
        this(database, pageSize, new WalReader(DatabaseFiles.walOf(database)));
    }

    /**
     * Creates the checkpoint of a database that reads the WAL through the client's reader, and tells it when the
     * checkpoint has emptied the WAL.
     *
     * @param database  the database file
     * @param pageSize  its page size
     * @param walReader the client's reader of the database's WAL
     */
    public SyncCheckpoint(Path database, int pageSize, WalReader walReader) {
        this.database = database;
        this.pageSize = pageSize;
        this.walReader = walReader;
    }

    /**
     * Runs the checkpoint. Call with every connection closed.
     *
     * @param prefix the synced prefix the metadata records, or {@code null}
     * @return how many pages were added to the revert store
     */
    public int run(WalPrefix prefix) {
        return run(prefix, Optional.empty());
    }

    /**
     * Runs the checkpoint on a database the client keeps open: its pages read through the kept handle, SQLite's
     * checkpoint on the idle connection. Call under the exclusive permit, with no statement or transaction open on
     * any connection.
     *
     * @param prefix the synced prefix the metadata records, or {@code null}
     * @param open   the idle connection and the kept handle on the file
     * @return how many pages were added to the revert store
     */
    public int run(WalPrefix prefix, OpenDatabase open) {
        return run(prefix, Optional.of(open));
    }

    private int run(WalPrefix prefix, Optional<OpenDatabase> open) {
        if (DatabaseFiles.isEmpty(database)) {
            return 0;
        }
        WalFrames frames = walReader.read();
        if (frames.count() == 0) {
            checkpointTruncate(open);
            return 0;
        }
        int prefixFrames = SyncedPrefix.framesIn(prefix, frames);
        int saved = prefixFrames > 0 ? replaceStore(frames, prefixFrames, open) : addToStore(frames, open);
        KillPoints.reached("checkpoint.store-written");
        checkpointTruncate(open);
        KillPoints.reached("checkpoint.truncated");
        return saved;
    }

    private void checkpointTruncate(Optional<OpenDatabase> open) {
        walReader.forget();
        if (open.isPresent()) {
            DatabaseFiles.checkpointTruncate(open.get().connection(), database);
        } else {
            DatabaseFiles.checkpointTruncate(database);
        }
    }

    /** The synced pages, read through the kept handle on a database kept open, else through one of their own. */
    private SyncedPages synced(RevertStore revert, WalFrames frames, int prefixFrames, Optional<OpenDatabase> open) {
        return open.isPresent()
                ? SyncedPages.open(open.get().databaseFile(), pageSize, revert, frames, prefixFrames)
                : SyncedPages.open(database, pageSize, revert, frames, prefixFrames);
    }

    /**
     * With a synced prefix: a new store, of the pages the local frames after the prefix wrote. It is written in
     * place of the old one: while the prefix holds, the store is not read, so a crash half-way through is harmless.
     */
    private int replaceStore(WalFrames frames, int prefixFrames, Optional<OpenDatabase> open) {
        Path file = RevertStore.fileOf(database);
        int saved = 0;
        try (SyncedPages synced = synced(RevertStore.empty(pageSize), frames, prefixFrames, open)) {
            AtomicFile.delete(file);
            KillPoints.reached("checkpoint.store-deleted");
            RevertStore fresh = RevertStore.open(file, pageSize);
            long syncedSize = synced.sizePages();
            long localSize = frames.commitSize(frames.count());
            Map<Integer, byte[]> chunk = new HashMap<>();
            for (int frame = prefixFrames + 1; frame <= frames.count(); frame++) {
                saved += keep(frames.pageNumber(frame), syncedSize, fresh, synced, chunk);
            }
            for (long page = localSize + 1; page <= syncedSize; page++) {
                saved += keep(page, syncedSize, fresh, synced, chunk);
            }
            fresh.addAbsent(chunk, syncedSize);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot replace the revert store of " + database, e);
        }
        return saved;
    }

    /** Without a synced prefix: the synced versions the store lacks are appended to it. */
    private int addToStore(WalFrames frames, Optional<OpenDatabase> open) {
        RevertStore revert = RevertStore.open(RevertStore.fileOf(database), pageSize);
        int saved = 0;
        try (SyncedPages synced = synced(revert, null, 0, open)) {
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
