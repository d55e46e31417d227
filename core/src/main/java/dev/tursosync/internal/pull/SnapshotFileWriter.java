package dev.tursosync.internal.pull;

import dev.tursosync.SyncProtocolException;
import dev.tursosync.internal.io.Durability;
import dev.tursosync.internal.io.ReplicaFiles;
import dev.tursosync.internal.sqlite.PageNumberSet;
import dev.tursosync.internal.transport.PullFrame;
import dev.tursosync.internal.transport.PullHeader;
import dev.tursosync.internal.transport.PulledPage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Writes a full snapshot (a page stream pulled with no client revision) into a new database file.
 *
 * <p>Pages go to {@code <target>.part} at {@code pageId * 4096} as they arrive, so memory stays bounded whatever the
 * database size. Once the stream ends the file is cut to the header's size, forced to disk, and renamed over the
 * target, and the folder is forced too: a crash leaves either no target or a complete one, never a torn file.
 * File writes run on the given scheduler, never on the network thread. Before the rename, the file is checked (see
 * {@link SnapshotCheck}): a malformed snapshot fails with a {@link SyncProtocolException} and leaves no file.
 */
public final class SnapshotFileWriter {

    private final Scheduler blocking;

    /**
     * Creates a writer.
     *
     * @param blocking the scheduler for file I/O, for example {@code Schedulers.boundedElastic()}
     */
    public SnapshotFileWriter(Scheduler blocking) {
        this.blocking = blocking;
    }

    /**
     * Streams a snapshot into {@code target}.
     *
     * @param frames the page stream of a full pull
     * @param target the database file to create or replace; no connection may have it open
     * @return the snapshot's header once the target is durable
     */
    public Mono<Snapshot> write(Flux<PullFrame> frames, Path target) {
        Path part = ReplicaFiles.partOf(target);
        PageNumberSet received = new PageNumberSet();
        return Mono.using(() -> open(part),
                        file -> PageStreamConsumer.consume(frames, blocking, page -> {
                                    if (page.pageNumber() > PullValidator.MAX_DATABASE_PAGES) {
                                        throw new SyncProtocolException("the server sent page " + page.pageNumber()
                                                + ", beyond the largest database this client supports");
                                    }
                                    received.add(page.pageNumber());
                                    PageStreamConsumer.writeFully(file, page.buffer(), page.fileOffset());
                                })
                                .map(consumed -> finish(file, consumed)),
                        SnapshotFileWriter::closeQuietly)
                .publishOn(blocking)
                .doOnNext(snapshot -> SnapshotCheck.verify(part, received, snapshot.header().databaseSizePages()))
                .map(snapshot -> publish(part, target, snapshot))
                .doOnError(error -> deleteQuietly(part))
                .doOnCancel(() -> deleteQuietly(part));
    }

    /**
     * What a written snapshot holds.
     *
     * @param header    the header of the page stream
     * @param pageCount how many pages were written
     */
    public record Snapshot(PullHeader header, long pageCount) {
    }

    private static Snapshot finish(FileChannel file, PageStreamConsumer.Consumed consumed) {
        long size = consumed.header().databaseSizePages();
        if (size < 0 || size > PullValidator.MAX_DATABASE_PAGES) {
            throw new SyncProtocolException("the server announced a database of " + size
                    + " pages, beyond the largest this client supports");
        }
        try {
            file.truncate(consumed.header().databaseSizePages() * PulledPage.PAGE_SIZE);
            file.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Snapshot(consumed.header(), consumed.pages());
    }

    private static FileChannel open(Path part) throws IOException {
        return FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
    }

    private static Snapshot publish(Path part, Path target, Snapshot snapshot) {
        try {
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Durability.forceFolder(target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return snapshot;
    }

    private static void closeQuietly(FileChannel file) {
        try {
            file.close();
        } catch (IOException ignored) {
            // the write already failed or finished; nothing else to release
        }
    }

    private static void deleteQuietly(Path part) {
        try {
            Files.deleteIfExists(part);
        } catch (IOException ignored) {
            // a leftover .part file is overwritten by the next snapshot
        }
    }
}
