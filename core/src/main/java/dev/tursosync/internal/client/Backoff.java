package dev.tursosync.internal.client;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with jitter: the delay before attempt {@code n} (from 1) is {@code first * 2^(n-1)}, capped
 * at {@code max}, then moved at random by up to {@code jitter} times itself in either direction.
 */
final class Backoff {

    private final Duration first;
    private final Duration max;
    private final double jitter;
    private final DoubleSupplier random;

    /**
     * Creates a backoff.
     *
     * @param first  the first delay
     * @param max    the longest delay before jitter
     * @param jitter the share by which delays move, 0 to 1
     * @param random uniform numbers in [0, 1)
     */
    Backoff(Duration first, Duration max, double jitter, DoubleSupplier random) {
        this.first = first;
        this.max = max;
        this.jitter = jitter;
        this.random = random;
    }

    /**
     * A backoff with thread-local randomness.
     */
    Backoff(Duration first, Duration max, double jitter) {
        this(first, max, jitter, () -> ThreadLocalRandom.current().nextDouble());
    }

    /**
     * The delay before an attempt.
     *
     * @param retry the retry number, from 1
     * @return the delay, never negative
     */
    Duration delay(long retry) {
        long firstMillis = first.toMillis();
        long maxMillis = max.toMillis();
        int doublings = (int) Math.min(Math.max(retry - 1, 0), 62);
        long base = doublings >= Long.numberOfLeadingZeros(Math.max(firstMillis, 1)) - 1
                ? maxMillis
                : Math.min(maxMillis, firstMillis << doublings);
        double moved = base * (1 + jitter * (2 * random.getAsDouble() - 1));
        return Duration.ofMillis(Math.max(0, Math.round(moved)));
    }
}
