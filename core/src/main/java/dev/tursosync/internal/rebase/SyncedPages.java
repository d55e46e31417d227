package dev.tursosync.internal.rebase;

import dev.tursosync.internal.sqlite.PageSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The synced state (the remote at the last pulled revision) as pages: the database file with the
 * {@linkplain RevertStore revert store}'s pages put back. Local changes still in the WAL are not visible here, and
 * those a checkpoint folded into the file are replaced by the stored synced versions. Open only while no connection
 * has the database open (closing the file handle would drop SQLite's locks otherwise).
 */
public final class SyncedPages implements PageSource, AutoCloseable {

    private final FileChannel file;
    private final PageSource filePages;
    private final RevertStore revert;
    private final long sizePages;

    private SyncedPages(FileChannel file, int pageSize, RevertStore revert) {
        this.file = file;
        this.filePages = PageSource.ofFile(file, pageSize);
        this.revert = revert;
        this.sizePages = readSize(pageSize);
    }

    /**
     * Opens the synced state of a database.
     *
     * @param database the database file
     * @param pageSize the page size
     * @param revert   its revert store
     * @return the pages
     */
    public static SyncedPages open(Path database, int pageSize, RevertStore revert) {
        try {
            return new SyncedPages(FileChannel.open(database, StandardOpenOption.READ), pageSize, revert);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + database, e);
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
     * @return pages
     */
    public static long sizePages(Path database, int pageSize) {
        RevertStore revert = RevertStore.open(RevertStore.fileOf(database), pageSize);
        try {
            return revert.syncedSizePages() > 0 ? revert.syncedSizePages()
                    : (java.nio.file.Files.exists(database) ? java.nio.file.Files.size(database) / pageSize : 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the size of " + database, e);
        }
    }

    /**
     * The size of the synced database: recorded in the revert store, or the file's when the store is empty.
     *
     * @return pages
     */
    public long sizePages() {
        return sizePages;
    }

    @Override
    public byte[] page(long pageNumber) {
        if (revert.contains(pageNumber)) {
            return revert.page(pageNumber);
        }
        if (sizePages > 0 && pageNumber > sizePages) {
            return null;
        }
        return filePages.page(pageNumber);
    }

    @Override
    public void close() {
        try {
            file.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
