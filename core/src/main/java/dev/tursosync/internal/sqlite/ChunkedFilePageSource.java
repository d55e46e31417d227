package dev.tursosync.internal.sqlite;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;
import java.util.Objects;

/**
 * Reads pages of a database file that does not change while it is read, a chunk of neighbouring pages per read.
 *
 * <p>Checks that walk a whole file in page order (a bootstrap's) ask for each page several times and mostly in
 * order; one positional read per page made the system calls most of their cost. This source reads {@value #CHUNK_PAGES}
 * pages at a time and answers from the last chunk while the requests stay in it. Not thread-safe.
 */
final class ChunkedFilePageSource implements PageSource {

    /** Pages per read: 128 KiB of 4 KiB pages. */
    static final int CHUNK_PAGES = 32;

    private final FileChannel file;
    private final int pageSize;
    private final ByteBuffer chunk;
    /** The first page the chunk holds; 0 when it holds none. */
    private long firstPage;
    /** How many whole pages the chunk holds. */
    private int pagesHeld;

    ChunkedFilePageSource(FileChannel file, int pageSize) {
        this.file = Objects.requireNonNull(file, "file");
        if (!DatabaseHeader.isValidPageSize(pageSize)) {
            throw new IllegalArgumentException("page size out of range: " + pageSize);
        }
        this.pageSize = pageSize;
        this.chunk = ByteBuffer.allocate(pageSize * CHUNK_PAGES);
    }

    @Override
    public byte[] page(long pageNumber) {
        if (pageNumber < 1 || pageNumber > Long.MAX_VALUE / pageSize) {
            return null;
        }
        if (pageNumber < firstPage || pageNumber >= firstPage + pagesHeld) {
            load(pageNumber);
        }
        int index = (int) (pageNumber - firstPage);
        if (index >= pagesHeld) {
            return null;
        }
        int from = index * pageSize;
        return Arrays.copyOfRange(chunk.array(), from, from + pageSize);
    }

    private void load(long pageNumber) {
        chunk.clear();
        long offset = (pageNumber - 1) * pageSize;
        try {
            while (chunk.hasRemaining()) {
                int n = file.read(chunk, offset + chunk.position());
                if (n < 0) {
                    break;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read database file at offset " + offset, e);
        }
        firstPage = pageNumber;
        pagesHeld = chunk.position() / pageSize;
    }
}
