package dev.tursosync.bench;

import dev.tursosync.SyncClient;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Child-JVM entry point of {@link PeakHeapWorkload}: resets the heap pools' peak usage, bootstraps
 * {@code args[1]} from {@code args[0]} with the Java client, closes it, and prints one line
 * {@code HEAP {"ok":true,"peakHeapBytes":…,"maxHeapBytes":…,"ms":…}} (or {@code "ok":false} with the error).
 * The peak is the sum of the heap pools' peak usages, an upper bound of the true peak (pools peak at different
 * moments).
 */
public final class HeapProbe {

    private HeapProbe() {
    }

    /**
     * Runs the probe.
     *
     * @param args the remote URL and a database path that does not exist yet
     */
    public static void main(String[] args) {
        List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP).toList();
        heap.forEach(MemoryPoolMXBean::resetPeakUsage);
        long start = System.nanoTime();
        try {
            SyncClient client = JavaSide.client(args[0], Path.of(args[1]));
            try {
                client.open().block(Duration.ofMinutes(10));
            } finally {
                client.close().block(Duration.ofMinutes(1));
            }
            double ms = Millis.since(start);
            long peak = heap.stream().mapToLong(pool -> pool.getPeakUsage().getUsed()).sum();
            System.out.printf(Locale.ROOT, "HEAP {\"ok\":true,\"peakHeapBytes\":%d,\"maxHeapBytes\":%d,\"ms\":%.1f}%n",
                    peak, Runtime.getRuntime().maxMemory(), ms);
            System.exit(0);
        } catch (Throwable e) {
            String error = String.valueOf(e).replace("\\", "\\\\").replace("\"", "'").replace("\n", " ");
            System.out.printf("HEAP {\"ok\":false,\"error\":\"%s\"}%n", error);
            System.exit(1);
        }
    }
}
