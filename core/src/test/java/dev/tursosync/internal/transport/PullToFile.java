package dev.tursosync.internal.transport;

import dev.tursosync.internal.proto.PullUpdatesReqProtoBody;
import dev.tursosync.internal.pull.SnapshotFileWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.time.Duration;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Pulls a full snapshot into a database file with {@link SnapshotFileWriter}. Used in-process by the tests and as
 * the main class of a small-heap child JVM.
 */
final class PullToFile {

    private PullToFile() {
    }

    static Mono<SnapshotFileWriter.Snapshot> pull(SyncTransport transport, Path file) {
        return new SnapshotFileWriter(Schedulers.boundedElastic())
                .write(transport.pullUpdates(PullUpdatesReqProtoBody.getDefaultInstance()), file);
    }

    /**
     * Child JVM entry point: {@code PullToFile <url> <file>}; prints {@code pages=N peakHeapBytes=M}.
     */
    public static void main(String[] args) {
        ReactorNettySyncTransport transport = ReactorNettySyncTransport.create(TransportOptions.of(args[0]));
        try {
            SnapshotFileWriter.Snapshot snapshot = pull(transport, Path.of(args[1])).block(Duration.ofMinutes(5));
            long peak = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP) {
                    peak += pool.getPeakUsage().getUsed();
                }
            }
            System.out.println("pages=" + snapshot.pageCount() + " peakHeapBytes=" + peak);
        } finally {
            transport.close().block(Duration.ofSeconds(10));
        }
    }
}
