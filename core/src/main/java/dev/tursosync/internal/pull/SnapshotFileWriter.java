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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Writes a full snapshot (a page stream pulled with no client revision) into a new database file.
 *
 * <p>Pages go to {@code <target>.part} at {@code pageId * 4096} as they arrive, gathered into runs of consecutive
 * pages that are written at once ({@link PageRuns}), so memory stays bounded whatever the database size. Once the
 * stream ends the file is cut to the header's size, forced to disk, and renamed over the target, and the folder is forced too: a crash leaves either no target or a complete one, never a torn file. While
 * the pages arrive, the written data is forced in the background every few MB ({@link WriteBehind}), so the force
 * after the stream has only the tail left to write, and each page gets the per-page part of its checks as it is
 * written ({@link StreamedPageChecks}), so the checks after the stream have less left to do.
 * File writes run on the given scheduler, never on the network thread. Before the rename, the file is checked (see
 * {@link SnapshotCheck}) while it is forced: a malformed snapshot fails with a {@link SyncProtocolException} and
 * leaves no file.
 */
public final class SnapshotFileWriter {

    private final Scheduler blocking;
    private final long flushBytes;
    private final boolean pageChecks;

    /**
     * Creates a writer.
     *
     * @param blocking the scheduler for file I/O, for example {@code Schedulers.boundedElastic()}
     */
    public SnapshotFileWriter(Scheduler blocking) {
        this(blocking, WriteBehind.DEFAULT_FLUSH_BYTES, true);
    }

    /**
     * Creates a writer that starts a background force of the written data every {@code flushBytes}.
     *
     * @param blocking   the scheduler for file I/O
     * @param flushBytes bytes written between two background forces
     * @param pageChecks whether pages are checked while they stream ({@link StreamedPageChecks}); when not, every
     *                   page is checked from the file after the stream
     */
    SnapshotFileWriter(Scheduler blocking, long flushBytes, boolean pageChecks) {
        this.blocking = blocking;
        this.flushBytes = flushBytes;
        this.pageChecks = pageChecks;
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
        return Mono.using(() -> open(part), file -> streamInto(file, part, frames), SnapshotFileWriter::closeQuietly)
                .publishOn(blocking)
                .map(snapshot -> publish(part, target, snapshot))
                .doOnError(error -> deleteQuietly(part))
                .doOnCancel(() -> deleteQuietly(part));
    }

    /**
     * Writes the stream's pages into the open part file, then cuts, forces and checks it. The state lives per
     * subscription: a retried bootstrap starts from an empty file and an empty set.
     */
    private Mono<Snapshot> streamInto(FileChannel file, Path part, Flux<PullFrame> frames) {
        PageNumberSet received = new PageNumberSet();
        WriteBehind writeBehind = new WriteBehind(file, blocking, flushBytes);
        PageRuns runs = new PageRuns(file, PageRuns.DEFAULT_RUN_PAGES, writeBehind::written);
        AtomicReference<StreamedPageChecks> streamed = new AtomicReference<>(StreamedPageChecks.NONE);
        return PageStreamConsumer.consume(frames, blocking,
                        header -> streamed.set(pageChecks
                                ? new StreamedPageChecks(header.databaseSizePages())
                                : StreamedPageChecks.NONE),
                        page -> {
                            if (page.pageNumber() > PullValidator.MAX_DATABASE_PAGES) {
                                throw new SyncProtocolException("the server sent page " + page.pageNumber()
                                        + ", beyond the largest database this client supports");
                            }
                            boolean firstTime = received.add(page.pageNumber());
                            runs.write(page);
                            streamed.get().accept(page, firstTime);
                        })
                .map(consumed -> cutToSize(file, runs, consumed))
                .flatMap(snapshot -> forceAndCheck(file, part, received, streamed.get(), snapshot));
    }

    /**
     * What a written snapshot holds.
     *
     * @param header    the header of the page stream
     * @param pageCount how many pages were written
     */
    public record Snapshot(PullHeader header, long pageCount) {
    }

    private static Snapshot cutToSize(FileChannel file, PageRuns runs, PageStreamConsumer.Consumed consumed) {
        long size = consumed.header().databaseSizePages();
        if (size < 0 || size > PullValidator.MAX_DATABASE_PAGES) {
            throw new SyncProtocolException("the server announced a database of " + size
                    + " pages, beyond the largest this client supports");
        }
        try {
            runs.flush();
            file.truncate(size * PulledPage.PAGE_SIZE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Snapshot(consumed.header(), consumed.pages());
    }

    /**
     * Forces the written file to disk while its pages are checked and SQLite's {@code quick_check} runs on it, each on
     * its own thread of the scheduler (none of the three changes the file), so the three take about as long as the
     * slowest. When any fails, the error of the first in that order (pages, quick_check, force) is signalled once all
     * three have ended, with the others' errors added to it as suppressed.
     */
    private Mono<Snapshot> forceAndCheck(FileChannel file, Path part, PageNumberSet received,
                                         StreamedPageChecks streamed, Snapshot snapshot) {
        long size = snapshot.header().databaseSizePages();
        List<Runnable> steps = new ArrayList<>();
        steps.add(() -> SnapshotCheck.checkPages(part, received, streamed, size));
        if (size > 0) {
            steps.add(() -> SnapshotCheck.quickCheck(part));
        }
        steps.add(() -> force(file));
        return Flux.fromIterable(steps)
                .flatMapSequential(step -> Mono.fromRunnable(step)
                        .subscribeOn(blocking)
                        .then(Mono.<Optional<Throwable>>just(Optional.empty()))
                        .onErrorResume(error -> Mono.just(Optional.of(error))))
                .collectList()
                .flatMap(outcomes -> {
                    List<Throwable> errors = outcomes.stream().flatMap(Optional::stream).toList();
                    if (errors.isEmpty()) {
                        return Mono.just(snapshot);
                    }
                    Throwable first = errors.get(0);
                    errors.subList(1, errors.size()).forEach(first::addSuppressed);
                    return Mono.error(first);
                });
    }

    private static void force(FileChannel file) {
        try {
            file.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
