package dev.tursosync.bench;

/**
 * Elapsed wall-clock time in milliseconds, from {@link System#nanoTime()}.
 */
final class Millis {

    private Millis() {
    }

    /**
     * Milliseconds elapsed since a {@link System#nanoTime()} reading.
     *
     * @param startNanos the earlier reading
     * @return the elapsed time, with sub-millisecond precision
     */
    static double since(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e6;
    }
}
