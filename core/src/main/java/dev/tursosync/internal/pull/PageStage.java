package dev.tursosync.internal.pull;

import dev.tursosync.internal.transport.PullFrame;
import dev.tursosync.internal.transport.PullHeader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Stages the pages of an incremental pull in {@code <db>-changes-N} before they are applied, so memory stays bounded
 * whatever the pull's size. The file is not forced to disk: nothing recovers from it (a crash before the rebase
 * journal exists loses only the fetch, which the next pull repeats; after that the WAL and the journal hold
 * everything), so it is read back from the page cache.
 *
 * <p>The file is a sequence of records: a big-endian {@code u32} page number (1-based), then the 4096-byte page.
 * Each record is appended with one gathering write at the channel's position (the file is written from its start).
 */
public final class PageStage {

    /** Bytes of one record. */
    static final int RECORD_BYTES = 4 + 4096;

    private final Scheduler blocking;

    /**
     * Creates a stager.
     *
     * @param blocking the scheduler for file I/O
     */
    public PageStage(Scheduler blocking) {
        this.blocking = blocking;
    }

    /**
     * What a staged pull holds.
     *
     * @param header    the pull's header
     * @param pageCount how many pages were staged
     */
    public record Staged(PullHeader header, long pageCount) {
    }

    /**
     * Writes a page stream to the stage file (replacing it).
     *
     * @param frames the page stream
     * @param file   the stage file
     * @return what was staged, once written
     */
    public Mono<Staged> write(Flux<PullFrame> frames, Path file) {
        return Mono.using(() -> FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                                StandardOpenOption.TRUNCATE_EXISTING),
                        channel -> PageStreamConsumer.consume(frames, blocking, page -> {
                                    ByteBuffer[] record = {
                                            ByteBuffer.allocate(4).putInt(0, (int) page.pageNumber()), page.buffer()};
                                    while (record[1].hasRemaining()) {
                                        channel.write(record);
                                    }
                                })
                                .map(consumed -> new Staged(consumed.header(), consumed.pages())),
                        PageStage::closeQuietly);
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

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // the stage is rewritten by the next pull
        }
    }
}
