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
     * Opens an empty stage; its owner releases it with {@link #release(Stage)} once the pull is applied, failed or
     * cancelled.
     *
     * @param file the stage file, written only when the pull is larger than the memory allows
     * @return the stage
     */
    public Stage open(Path file) {
        return new Stage(file, memoryPages);
    }

    /**
     * Stages a page stream into a stage, in memory or in its file (replacing it).
     *
     * @param frames the page stream
     * @param stage  the stage, empty
     * @return what was staged, once written
     */
    public Mono<Staged> write(Flux<PullFrame> frames, Stage stage) {
        return PageStreamConsumer.consume(frames, blocking, stage::add)
                .map(consumed -> {
                    stage.endWrites();
                    return new Staged(consumed.header(), consumed.pages(), stage);
                });
    }

    /**
     * Releases a stage on a thread for file I/O: closes its file, deletes it, and makes later writes fail. A write
     * still running (a cancelled stream's last page) ends first, so no channel is left open and nothing is written
     * after the delete.
     *
     * @param stage the stage
     * @return completes once released
     */
    public Mono<Void> release(Stage stage) {
        return Mono.fromRunnable(stage::release).subscribeOn(blocking).then();
    }

    /**
     * What a staged pull holds.
     *
     * @param header    the pull's header
     * @param pageCount how many pages were staged
     * @param stage     where the pages are
     */
    public record Staged(PullHeader header, long pageCount, Stage stage) {

        /**
         * The pages by number, in stream order, when they stayed in memory.
         *
         * @return the pages, or {@code null} when they are in the stage file
         */
        public Map<Long, byte[]> inMemory() {
            return stage.inMemory();
        }

        /**
         * Opens the staged pages.
         *
         * @return the pages; close them after use
         */
        public StagedPages open() {
            return stage.pages();
        }
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

    /**
     * The pages of one pull: a map until it holds the most pages kept in memory, then the file. Writes and the
     * release take turns on the stage's monitor (both run on threads for file I/O), so a release waits for a write
     * in progress and a write after the release fails instead of reopening the file.
     */
    public static final class Stage {

        private final Path file;
        private final int memoryPages;
        private Map<Long, byte[]> memory = new LinkedHashMap<>();
        private FileChannel channel;
        private boolean released;

        Stage(Path file, int memoryPages) {
            this.file = file;
            this.memoryPages = memoryPages;
        }

        /**
         * The stage file.
         *
         * @return its path, which exists only when the pages did not fit in memory
         */
        public Path file() {
            return file;
        }

        synchronized void add(PulledPage page) throws IOException {
            if (released) {
                throw new IOException("the stage " + file + " was released");
            }
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

        synchronized Map<Long, byte[]> inMemory() {
            return memory;
        }

        synchronized StagedPages pages() {
            if (released) {
                throw new IllegalStateException("the stage " + file + " was released");
            }
            return memory != null ? StagedPages.of(memory) : StagedPages.open(file);
        }

        /** The stream ended: the file is complete (it is read back through a channel of its own). */
        synchronized void endWrites() {
            closeChannel();
        }

        synchronized void release() {
            released = true;
            memory = null;
            closeChannel();
            delete(file);
        }

        private void closeChannel() {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // the file is deleted with the stage
                }
                channel = null;
            }
        }
    }
}
