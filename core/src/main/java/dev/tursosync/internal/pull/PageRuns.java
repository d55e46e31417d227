package dev.tursosync.internal.pull;

import dev.tursosync.internal.transport.PulledPage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.function.LongConsumer;

/**
 * Writes streamed pages to a file in runs: pages that follow each other in the file are gathered in one direct buffer
 * and written with one positional write when the run ends (a page that does not follow, a full buffer, or
 * {@link #flush()}). A snapshot's pages come in file order, so a 50 MB bootstrap takes a few hundred writes instead of
 * one per 4 KB page, and each page is copied once, from the received message into the buffer (a heap buffer would be
 * copied again into a temporary direct one by every write).
 *
 * <p>Pages are written in the order they came: a page sent twice ends the run, so its later image is written after the
 * earlier one. Used from one thread at a time.
 */
final class PageRuns {

    /** Pages gathered at most before they are written: 256 KB. */
    static final int DEFAULT_RUN_PAGES = 64;

    private final FileChannel file;
    private final ByteBuffer run;
    private final LongConsumer written;
    private long runOffset = -1;

    /**
     * Creates the runs of one file.
     *
     * @param file     where the pages go
     * @param runPages the most pages written at once
     * @param written  told how many bytes each write put into the file, after it
     */
    PageRuns(FileChannel file, int runPages, LongConsumer written) {
        this.file = file;
        this.run = ByteBuffer.allocateDirect(runPages * PulledPage.PAGE_SIZE);
        this.written = written;
    }

    /**
     * Adds a page to the current run, writing the run first when the page does not follow it or it is full. A page
     * that is not 4096 bytes long is written by itself, at once.
     *
     * @param page the page
     * @throws IOException if a write fails
     */
    void write(PulledPage page) throws IOException {
        long offset = page.fileOffset();
        if (runOffset >= 0 && (offset != runOffset + run.position() || !run.hasRemaining())) {
            flush();
        }
        if (page.data().size() != PulledPage.PAGE_SIZE) {
            flush();
            ByteBuffer data = page.buffer();
            int size = data.remaining();
            PageStreamConsumer.writeFully(file, data, offset);
            written.accept(size);
            return;
        }
        if (runOffset < 0) {
            runOffset = offset;
        }
        page.data().copyTo(run);
    }

    /**
     * Writes the pages gathered so far.
     *
     * @throws IOException if the write fails
     */
    void flush() throws IOException {
        if (runOffset < 0) {
            return;
        }
        run.flip();
        int size = run.remaining();
        PageStreamConsumer.writeFully(file, run, runOffset);
        run.clear();
        runOffset = -1;
        written.accept(size);
    }
}
