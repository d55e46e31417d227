package dev.tursosync.bench;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Latencies of the operations of one run, recorded from any thread, summarised as nearest-rank percentiles (the same
 * definition as the JS driver's).
 */
final class Latencies {

    private final long[] nanos;
    private final AtomicInteger count = new AtomicInteger();

    /**
     * Room for a number of operations.
     *
     * @param capacity the most operations the run records
     */
    Latencies(int capacity) {
        this.nanos = new long[capacity];
    }

    /**
     * Records one operation that started at a {@link System#nanoTime()} reading and ends now.
     *
     * @param startNanos the start
     */
    void since(long startNanos) {
        nanos[count.getAndIncrement()] = System.nanoTime() - startNanos;
    }

    /**
     * The run's result.
     *
     * @param ops how many operations the run did (rows, which may be more than the timed operations)
     * @param ms  the whole run, in milliseconds
     * @return ops, duration and the latencies' p50 and p99
     */
    Throughput result(long ops, double ms) {
        long[] sorted = Arrays.copyOf(nanos, count.get());
        Arrays.sort(sorted);
        return new Throughput(ops, ms, percentile(sorted, 0.5), percentile(sorted, 0.99));
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.max(0, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
    }
}
