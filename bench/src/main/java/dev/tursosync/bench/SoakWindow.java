package dev.tursosync.bench;

import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the {@code soak} workload measured in one window of its run (15 seconds by default): local transactions and
 * their latency (also of those that overlapped a pull), reads, commit-to-event lag in both directions, and the
 * loaded client's backlog and WAL size when the window closed. Recorded from any thread.
 */
final class SoakWindow {

    private final int index;
    private final LongList writeNanos = new LongList();
    private final LongList writeDuringPullNanos = new LongList();
    private final LongList readNanos = new LongList();
    private final LongList lagToB = new LongList();
    private final LongList lagToA = new LongList();
    private final AtomicLong missedWrites = new AtomicLong();
    private final AtomicLong pulls = new AtomicLong();
    private final AtomicLong pushes = new AtomicLong();
    private final AtomicLong checkpoints = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong resetsOnB = new AtomicLong();
    private final AtomicLong resetsOnA = new AtomicLong();
    private volatile long pendingChanges = -1;
    private volatile long walBytes = -1;

    SoakWindow(int index) {
        this.index = index;
    }

    int index() {
        return index;
    }

    void write(long nanos, boolean overlappedPull) {
        writeNanos.add(nanos);
        if (overlappedPull) {
            writeDuringPullNanos.add(nanos);
        }
    }

    void read(long nanos) {
        readNanos.add(nanos);
    }

    void lagToB(long nanos) {
        lagToB.add(nanos);
    }

    void lagToA(long nanos) {
        lagToA.add(nanos);
    }

    /** The other replica's pull reported the loaded client's table as reset (no row events, so no lag). */
    void resetOnB() {
        resetsOnB.incrementAndGet();
    }

    /** The loaded client's pull reported the other's table as reset. */
    void resetOnA() {
        resetsOnA.incrementAndGet();
    }

    void missedWrite() {
        missedWrites.incrementAndGet();
    }

    void pull() {
        pulls.incrementAndGet();
    }

    void push() {
        pushes.incrementAndGet();
    }

    void checkpoint() {
        checkpoints.incrementAndGet();
    }

    void failure() {
        failures.incrementAndGet();
    }

    /** Records the loaded client's state as the window closes. */
    void closedWith(long pending, long wal) {
        this.pendingChanges = pending;
        this.walBytes = wal;
    }

    long pendingChanges() {
        return pendingChanges;
    }

    long walBytes() {
        return walBytes;
    }

    double writeP99Ms() {
        return writeNanos.percentileMs(0.99);
    }

    double writeDuringPullP99Ms() {
        return writeDuringPullNanos.percentileMs(0.99);
    }

    double lagToBP99Ms() {
        return lagToB.percentileMs(0.99);
    }

    double lagToAP99Ms() {
        return lagToA.percentileMs(0.99);
    }

    long failures() {
        return failures.get();
    }

    static String header() {
        return "| Window | Transactions | Missed write ticks | Pulls / pushes / checkpoints | Failed ops "
                + "| Pending changes | WAL | Write p50 / p99 ms | Write during pull: n, p99 ms | Lag A→B p50 / p99 ms "
                + "| Lag B→A p50 / p99 ms | Read p99 ms |\n"
                + "|---|---|---|---|---|---|---|---|---|---|---|---|\n";
    }

    String row(long windowSeconds) {
        return String.format(Locale.ROOT,
                "| %d:%02d | %d | %d | %d / %d / %d | %d | %d | %s | %s / %s | %d, %s | %s | %s | %s |%n",
                (index + 1) * windowSeconds / 60, (index + 1) * windowSeconds % 60, writeNanos.size(),
                missedWrites.get(), pulls.get(), pushes.get(), checkpoints.get(), failures.get(), pendingChanges,
                Report.megabytes(walBytes), ms(writeNanos.percentileMs(0.5)), ms(writeP99Ms()),
                writeDuringPullNanos.size(), ms(writeDuringPullP99Ms()), lag(lagToB, resetsOnB.get()),
                lag(lagToA, resetsOnA.get()), ms(readNanos.percentileMs(0.99)));
    }

    /** {@code p50 / p99}, and how many pulls reported the table reset instead of its rows, if any did. */
    private static String lag(LongList lags, long resets) {
        return ms(lags.percentileMs(0.5)) + " / " + ms(lags.percentileMs(0.99))
                + (resets > 0 ? " (" + resets + " resets)" : "");
    }

    private static String ms(double value) {
        return Double.isNaN(value) ? "—" : Report.millis(value);
    }

    /** A growable list of nanosecond readings, appended to from any thread. */
    private static final class LongList {

        private long[] values = new long[1024];
        private int size;

        synchronized void add(long value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }

        synchronized int size() {
            return size;
        }

        /** Nearest-rank percentile in milliseconds, NaN when empty. */
        synchronized double percentileMs(double p) {
            if (size == 0) {
                return Double.NaN;
            }
            long[] sorted = Arrays.copyOf(values, size);
            Arrays.sort(sorted);
            return sorted[Math.max(0, (int) Math.ceil(p * size) - 1)] / 1e6;
        }
    }
}
