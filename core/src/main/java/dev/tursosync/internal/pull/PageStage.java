package dev.tursosync.internal.pull;

import dev.tursosync.internal.transport.PullFrame;
import dev.tursosync.internal.transport.PullHeader;
import dev.tursosync.internal.transport.PulledPage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Stages the pages of an incremental pull before they are applied, so memory stays bounded whatever the pull's size:
 * a small pull stays in memory (up to a number of pages the client's options set), a larger one moves all its pages
 * to {@code <db>-changes-N}. The file is not forced to disk: nothing recovers from it (a crash before the rebase journal
 * exists loses only the fetch, which the next pull repeats; after that the WAL and the journal hold everything), so
 * it is read back from the page cache.
 *
 * <p>The file is a sequence of records: a big-endian {@code u32} page number (1-based), then the 4096-byte page.
 * Each record is appended with one gathering write at the channel's position (the file is written from its start).
 */
public final class PageStage {

    /** Bytes of one record. */
    static final int RECORD_BYTES = 4 + PulledPage.PAGE_SIZE;

    private final Scheduler blocking;
    private final int memoryPages;

    /**
     * Creates a stager.
     *
     * @param blocking    the scheduler for file I/O
     * @param memoryPages the most pages a pull keeps in memory
     */
    public PageStage(Scheduler blocking, int memoryPages) {
        this.blocking = blocking;
        this.memoryPages = memoryPages;
    }

    /**
     * What a staged pull holds.
     *
     * @param header    the pull's header
     * @param pageCount how many pages were staged
     * @param inMemory  the pages by number, in stream order, when they stayed in memory; {@code null} when they are
     *                  in the stage file
     */
    public record Staged(PullHeader header, long pageCount, Map<Long, byte[]> inMemory) {

        /**
         * Opens the staged pages.
         *
         * @param file the stage file, read when the pages are not in memory
         * @return the pages; close them after use
         */
        public StagedPages open(Path file) {
            return inMemory != null ? StagedPages.of(inMemory) : StagedPages.open(file);
        }
    }

    /**
     * Stages a page stream, in memory or in the stage file (replacing it).
     *
     * @param frames the page stream
     * @param file   the stage file, written only when the pull is larger than the memory allows
     * @return what was staged, once written
     */
    public Mono<Staged> write(Flux<PullFrame> frames, Path file) {
        return Mono.using(() -> new Sink(file, memoryPages),
                        sink -> PageStreamConsumer.consume(frames, blocking, sink::add)
                                .map(consumed -> new Staged(consumed.header(), consumed.pages(), sink.inMemory())),
                        Sink::close);
    }

    /**
     * Deletes a stage file.
     *
     * @param file the stage file
     */
    public static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where the pages go: a map until it holds the most pages kept in memory, then the file. */
    private static final class Sink {

        private final Path file;
        private final int memoryPages;
        private Map<Long, byte[]> memory = new LinkedHashMap<>();
        private FileChannel channel;

        Sink(Path file, int memoryPages) {
            this.file = file;
            this.memoryPages = memoryPages;
        }

        void add(PulledPage page) throws IOException {
            if (memory != null && (memory.size() < memoryPages || memory.containsKey(page.pageNumber()))) {
                byte[] image = new byte[page.data().size()];
                page.data().copyTo(image, 0);
                memory.put(page.pageNumber(), image);
                return;
            }
            if (channel == null) {
                channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING);
                for (Map.Entry<Long, byte[]> kept : memory.entrySet()) {
                    append(kept.getKey(), ByteBuffer.wrap(kept.getValue()));
                }
                memory = null;
            }
            append(page.pageNumber(), page.buffer());
        }

        private void append(long pageNumber, ByteBuffer image) throws IOException {
            ByteBuffer[] record = {ByteBuffer.allocate(4).putInt(0, (int) pageNumber), image};
            while (record[1].hasRemaining()) {
                channel.write(record);
            }
        }

        Map<Long, byte[]> inMemory() {
            return memory;
        }

        void close() {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // the stage is rewritten by the next pull
                }
            }
        }
    }
}
