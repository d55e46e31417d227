package dev.tursosync.internal.rebase;

import dev.tursosync.internal.sqlite.PageSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
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

    /**
     * The size from the synced page 1, which is always the remote's: the server keeps its in-header size. SQLite
     * trusts that field only when the change counter equals the version-valid-for number, but {@code tursodb} 0.7.0
     * writes its library version (3047000) there and leaves the change counter at 1, so that rule would fall back
     * to the local file's size, which local checkpoints grow.
     */
    private long readSize(int pageSize) {
        byte[] first = page(1);
        try {
            long fileSize = file.size() / pageSize;
            if (first == null) {
                return fileSize;
            }
            long fromHeader = Integer.toUnsignedLong(ByteBuffer.wrap(first).getInt(28));
            return fromHeader > 0 ? fromHeader : fileSize;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the database size", e);
        }
    }

    /**
     * The size of the synced database, from its first page's header.
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
