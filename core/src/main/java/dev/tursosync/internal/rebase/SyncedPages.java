package dev.tursosync.internal.rebase;

import dev.tursosync.internal.meta.SyncMetadata.WalPrefix;
import dev.tursosync.internal.sqlite.PageSource;
import dev.tursosync.internal.wal.WalFrames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * The synced state (the remote at the last pulled revision) as pages: the database file with, when the WAL has no
 * {@linkplain SyncedPrefix synced prefix}, the {@linkplain RevertStore revert store}'s pages put back, or, when it
 * has one, the prefix's frames (the latest of each page) over it. Local changes (frames after the prefix) are not
 * visible here, and those a checkpoint folded into the file are replaced by the stored synced versions. While a
 * prefix holds, every page of the revert store is older than it (the pull that wrote the prefix also wrote the
 * synced version of each stored page), so the store is not read. Opened on a path, it holds a handle on the
 * database file of its own: open it only while no connection has the database open (closing the handle would drop
 * SQLite's locks otherwise). Opened on a handle that the caller closes only after every connection (a pull's window,
 * whose connections stay open), it may outlive connections opened meanwhile.
 */
public final class SyncedPages implements PageSource, AutoCloseable {

    private final FileChannel file;
    private final boolean ownsFile;
    private final PageSource filePages;
    private final RevertStore revert;
    private final FileChannel log;
    private final WalFrames frames;
    private final Map<Integer, Integer> prefixFrames;
    private final long sizePages;

    private SyncedPages(FileChannel file, boolean ownsFile, int pageSize, RevertStore revert, FileChannel log,
                        WalFrames frames, int prefix) {
        this.file = file;
        this.ownsFile = ownsFile;
        this.filePages = PageSource.ofFile(file, pageSize);
        this.log = log;
        this.frames = frames;
        this.prefixFrames = new HashMap<>();
        if (prefix > 0) {
            int size = frames.commitSize(prefix);
            for (int frame = 1; frame <= prefix; frame++) {
                if (Integer.compareUnsigned(frames.pageNumber(frame), size) <= 0) {
                    prefixFrames.put(frames.pageNumber(frame), frame);
                }
            }
            this.revert = RevertStore.empty(pageSize);
            this.sizePages = size;
        } else {
            this.revert = revert;
            this.sizePages = readSize(pageSize);
        }
    }

    /**
     * Opens the synced state of a database whose WAL holds no synced prefix.
     *
     * @param database the database file
     * @param pageSize the page size
     * @param revert   its revert store
     * @return the pages
     */
    public static SyncedPages open(Path database, int pageSize, RevertStore revert) {
        return open(database, pageSize, revert, null, 0);
    }

    /**
     * Opens the synced state of a database.
     *
     * @param database the database file
     * @param pageSize the page size
     * @param revert   its revert store (not read when {@code prefix} is above 0)
     * @param frames   the WAL's committed frames, read once; may be {@code null} when {@code prefix} is 0
     * @param prefix   how many frames of the WAL are the synced prefix ({@link SyncedPrefix#framesIn}), 0 for none
     * @return the pages
     */
    public static SyncedPages open(Path database, int pageSize, RevertStore revert, WalFrames frames, int prefix) {
        FileChannel file = null;
        try {
            file = FileChannel.open(database, StandardOpenOption.READ);
            FileChannel log = prefix > 0 ? FileChannel.open(frames.scan().file(), StandardOpenOption.READ) : null;
            return new SyncedPages(file, true, pageSize, revert, log, frames, prefix);
        } catch (IOException e) {
            closeQuietly(file, e);
            throw new UncheckedIOException("cannot open " + database, e);
        }
    }

    /**
     * Opens the synced state of a database through a read handle on its file that the caller owns and closes only
     * after every connection to the database has closed; {@link #close()} leaves it open.
     *
     * @param databaseFile a read handle on the database file
     * @param pageSize     the page size
     * @param revert       its revert store (not read when {@code prefix} is above 0)
     * @param frames       the WAL's committed frames, read once; may be {@code null} when {@code prefix} is 0
     * @param prefix       how many frames of the WAL are the synced prefix, 0 for none
     * @return the pages
     */
    public static SyncedPages open(FileChannel databaseFile, int pageSize, RevertStore revert, WalFrames frames,
                                   int prefix) {
        try {
            FileChannel log = prefix > 0 ? FileChannel.open(frames.scan().file(), StandardOpenOption.READ) : null;
            return new SyncedPages(databaseFile, false, pageSize, revert, log, frames, prefix);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the WAL " + frames.scan().file(), e);
        }
    }

    private static void closeQuietly(FileChannel file, IOException failure) {
        if (file != null) {
            try {
                file.close();
            } catch (IOException e) {
                failure.addSuppressed(e);
            }
        }
    }

    private long readSize(int pageSize) {
        try {
            return revert.syncedSizePages() > 0 ? revert.syncedSizePages() : file.size() / pageSize;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the database size", e);
        }
    }

    /**
     * The size of a database's synced state, read without opening the database file (closing a handle on a live
     * database would drop SQLite's locks), so connections may be open.
     *
     * @param database the database file
     * @param pageSize the page size
     * @param prefix   the synced prefix the metadata records, or {@code null}
     * @return pages
     */
    public static long sizePages(Path database, int pageSize, WalPrefix prefix) {
        if (SyncedPrefix.holds(prefix, DatabaseFiles.walOf(database))) {
            return prefix.sizePages();
        }
        RevertStore revert = RevertStore.open(RevertStore.fileOf(database), pageSize);
        try {
            return revert.syncedSizePages() > 0 ? revert.syncedSizePages()
                    : (java.nio.file.Files.exists(database) ? java.nio.file.Files.size(database) / pageSize : 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the size of " + database, e);
        }
    }

    /**
     * The size of the synced database: recorded by the prefix's last frame, else in the revert store, else the
     * file's.
     *
     * @return pages
     */
    public long sizePages() {
        return sizePages;
    }

    @Override
    public byte[] page(long pageNumber) {
        Integer frame = pageNumber <= Integer.MAX_VALUE ? prefixFrames.get((int) pageNumber) : null;
        if (frame != null) {
            return frames.page(log, frame);
        }
        if (revert.contains(pageNumber)) {
            return revert.page(pageNumber);
        }
        if (sizePages > 0 && pageNumber > sizePages) {
            return null;
        }
        return filePages.page(pageNumber);
    }

    /** Closes the WAL's handle, and the database file's if it opened it. */
    @Override
    public void close() {
        try (FileChannel closedLast = log) {
            if (ownsFile) {
                file.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
