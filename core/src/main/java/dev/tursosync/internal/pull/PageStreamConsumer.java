package dev.tursosync.internal.pull;

import dev.tursosync.SyncProtocolException;
import dev.tursosync.internal.transport.PullFrame;
import dev.tursosync.internal.transport.PullHeader;
import dev.tursosync.internal.transport.PulledPage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.function.Consumer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Feeds a page stream, one page at a time, to a blocking page writer on a blocking scheduler.
 */
final class PageStreamConsumer {

    /** Writes one page somewhere. */
    @FunctionalInterface
    interface PageWriter {
        void write(PulledPage page) throws IOException;
    }

    /**
     * What the stream held.
     *
     * @param header the header
     * @param pages  how many pages were written
     */
    record Consumed(PullHeader header, long pages) {
    }

    private PageStreamConsumer() {
    }

    static Mono<Consumed> consume(Flux<PullFrame> frames, Scheduler blocking, PageWriter writer) {
        return consume(frames, blocking, header -> { }, writer);
    }

    /**
     * Feeds a page stream to a page writer, and each header to a listener first, on the blocking scheduler.
     *
     * @param frames   the stream
     * @param blocking the scheduler whose thread runs the listener and the writer
     * @param onHeader told each header as it arrives, before the pages that follow it
     * @param writer   writes each page
     * @return what the stream held
     */
    static Mono<Consumed> consume(Flux<PullFrame> frames, Scheduler blocking, Consumer<PullHeader> onHeader,
                                  PageWriter writer) {
        return frames.publishOn(blocking)
                .reduce(new Consumed(null, 0), (consumed, frame) -> {
                    if (frame instanceof PullHeader header) {
                        onHeader.accept(header);
                        return new Consumed(header, consumed.pages());
                    }
                    try {
                        writer.write((PulledPage) frame);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    return new Consumed(consumed.header(), consumed.pages() + 1);
                })
                .map(consumed -> {
                    if (consumed.header() == null) {
                        throw new SyncProtocolException("the page stream had no header");
                    }
                    return consumed;
                });
    }

    static void writeFully(FileChannel file, ByteBuffer data, long position) throws IOException {
        long offset = position;
        while (data.hasRemaining()) {
            offset += file.write(data, offset);
        }
    }

    static void readFully(FileChannel file, ByteBuffer target, long position) throws IOException {
        long offset = position;
        while (target.hasRemaining()) {
            int read = file.read(target, offset);
            if (read < 0) {
                throw new IOException("unexpected end of file at offset " + offset);
            }
            offset += read;
        }
    }
}
