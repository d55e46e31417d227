package dev.tursosync.internal.pull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Read access to the pages {@link PageStage} staged: kept in memory, or in a stage file, of which only an index of
 * page number to file offset is kept in memory and pages are read on demand. When a page appears twice, the later
 * record wins. Each read returns a new array; reads may come from several threads at once.
 */
public final class StagedPages implements AutoCloseable {

    private final FileChannel file;
    private final Map<Long, Long> offsets = new LinkedHashMap<>();
    private final Map<Long, byte[]> pages;

    private StagedPages(Map<Long, byte[]> pages) {
        this.file = null;
        this.pages = pages;
    }

    private StagedPages(FileChannel file) throws IOException {
        this.file = file;
        this.pages = null;
        long size = file.size();
        if (size % PageStage.RECORD_BYTES != 0) {
            throw new IOException("the stage file ends inside a record (" + size + " bytes)");
        }
        ByteBuffer number = ByteBuffer.allocate(4);
        for (long offset = 0; offset < size; offset += PageStage.RECORD_BYTES) {
            number.clear();
            PageStreamConsumer.readFully(file, number, offset);
            offsets.put(Integer.toUnsignedLong(number.getInt(0)), offset + 4);
        }
    }

    /**
     * Pages staged in memory.
     *
     * @param pages the pages by number, in stream order; not changed afterwards
     * @return the pages
     */
    public static StagedPages of(Map<Long, byte[]> pages) {
        return new StagedPages(pages);
    }

    /**
     * Opens a stage file.
     *
     * @param path the stage file
     * @return the pages
     * @throws UncheckedIOException if it cannot be read or is torn
     */
    public static StagedPages open(Path path) {
        try {
            return new StagedPages(FileChannel.open(path, StandardOpenOption.READ));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the staged pull " + path, e);
        }
    }

    /**
     * The staged page numbers (1-based), in stream order.
     *
     * @return the page numbers
     */
    public Set<Long> pageNumbers() {
        return pages != null ? pages.keySet() : offsets.keySet();
    }

    /**
     * A staged page.
     *
     * @param pageNumber the 1-based page number
     * @return the 4096-byte image, or {@code null} if it is not staged
     */
    public byte[] page(long pageNumber) {
        if (pages != null) {
            byte[] page = pages.get(pageNumber);
            return page == null ? null : page.clone();
        }
        Long offset = offsets.get(pageNumber);
        if (offset == null) {
            return null;
        }
        ByteBuffer page = ByteBuffer.allocate(4096);
        try {
            PageStreamConsumer.readFully(file, page, offset);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return page.array();
    }

    @Override
    public void close() {
        if (file == null) {
            return;
        }
        try {
            file.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
