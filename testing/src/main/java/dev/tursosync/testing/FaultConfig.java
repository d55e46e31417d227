package dev.tursosync.testing;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * How often and how {@link FaultProxy} injects each {@link FaultKind}.
 *
 * <p>The probability of {@link FaultKind#REFUSE} applies to each accepted connection; the probabilities of the other
 * kinds apply to each HTTP request and add up to at most 1 (the rest of the requests pass through untouched).
 * Delays are drawn evenly between {@link #minDelay()} and {@link #maxDelay()}; a stall lasts {@link #stall()} (make
 * it longer than the clients' response timeout) and ends in a reset. Response faults strike at a byte offset drawn
 * log-uniformly from {@link #minResponseOffset()} up to {@link #maxResponseOffset()}, so the headers and the first
 * bytes of a body are hit as often as the rest; a response shorter than the offset escapes the fault.
 *
 * <pre>{@code
 * FaultConfig config = FaultConfig.builder()
 *     .probability(FaultKind.RESET_RESPONSE, 0.1)
 *     .probability(FaultKind.HTTP_503, 0.05)
 *     .stall(Duration.ofSeconds(3))
 *     .build();
 * }</pre>
 */
public final class FaultConfig {

    private final Map<FaultKind, Double> probabilities;
    private final Duration minDelay;
    private final Duration maxDelay;
    private final Duration stall;
    private final int minResponseOffset;
    private final int maxResponseOffset;

    private FaultConfig(Builder builder) {
        this.probabilities = Collections.unmodifiableMap(new EnumMap<>(builder.probabilities));
        this.minDelay = builder.minDelay;
        this.maxDelay = builder.maxDelay;
        this.stall = builder.stall;
        this.minResponseOffset = builder.minResponseOffset;
        this.maxResponseOffset = builder.maxResponseOffset;
    }

    /**
     * Starts with no fault at all (pure pass-through), a delay of 20 to 400 ms, a stall of 3 s and response offsets
     * from 0 to 32 KiB.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The probability of a fault kind.
     *
     * @param kind the kind
     * @return between 0 and 1; per connection for {@link FaultKind#REFUSE}, per request for the others
     */
    public double probability(FaultKind kind) {
        return probabilities.getOrDefault(kind, 0.0);
    }

    /**
     * The shortest delay of {@link FaultKind#DELAY}.
     *
     * @return a duration, zero or more
     */
    public Duration minDelay() {
        return minDelay;
    }

    /**
     * The longest delay of {@link FaultKind#DELAY}.
     *
     * @return a duration not shorter than {@link #minDelay()}
     */
    public Duration maxDelay() {
        return maxDelay;
    }

    /**
     * How long a stall lasts before the proxy resets both connections.
     *
     * @return a positive duration
     */
    public Duration stall() {
        return stall;
    }

    /**
     * The smallest byte offset at which response faults strike.
     *
     * @return a number of bytes, 0 or more
     */
    public int minResponseOffset() {
        return minResponseOffset;
    }

    /**
     * The bound of the byte offsets at which response faults strike.
     *
     * @return a number of bytes above {@link #minResponseOffset()}
     */
    public int maxResponseOffset() {
        return maxResponseOffset;
    }

    @Override
    public String toString() {
        return "FaultConfig[" + probabilities + ", delay " + minDelay.toMillis() + ".." + maxDelay.toMillis()
                + " ms, stall " + stall.toMillis() + " ms, response offsets " + minResponseOffset + ".." + maxResponseOffset
                + "]";
    }

    /** Builds a {@link FaultConfig}. */
    public static final class Builder {

        private final Map<FaultKind, Double> probabilities = new EnumMap<>(FaultKind.class);
        private Duration minDelay = Duration.ofMillis(20);
        private Duration maxDelay = Duration.ofMillis(400);
        private Duration stall = Duration.ofSeconds(3);
        private int minResponseOffset;
        private int maxResponseOffset = 32 * 1024;

        private Builder() {
        }

        /**
         * Sets the probability of a fault kind.
         *
         * @param kind        the kind
         * @param probability between 0 and 1; per connection for {@link FaultKind#REFUSE}, per request for the others
         * @return this builder
         */
        public Builder probability(FaultKind kind, double probability) {
            Objects.requireNonNull(kind, "kind");
            if (!(probability >= 0 && probability <= 1)) {
                throw new IllegalArgumentException("a probability is between 0 and 1: " + probability);
            }
            probabilities.put(kind, probability);
            return this;
        }

        /**
         * Sets the range of {@link FaultKind#DELAY}.
         *
         * @param min the shortest delay, zero or more
         * @param max the longest delay, not shorter than {@code min}
         * @return this builder
         */
        public Builder delay(Duration min, Duration max) {
            if (min.isNegative() || max.compareTo(min) < 0) {
                throw new IllegalArgumentException("a delay range is 0 <= min <= max: " + min + ", " + max);
            }
            this.minDelay = min;
            this.maxDelay = max;
            return this;
        }

        /**
         * Sets how long a stall lasts; make it longer than the clients' response timeout.
         *
         * @param duration a positive duration
         * @return this builder
         */
        public Builder stall(Duration duration) {
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("a stall lasts a positive time: " + duration);
            }
            this.stall = duration;
            return this;
        }

        /**
         * Sets the range of the byte offsets at which response faults strike: {@code min} to strike inside the
         * headers but after their first byte, for example.
         *
         * @param min the smallest offset, 0 or more
         * @param max the bound of the offsets, above {@code min}
         * @return this builder
         */
        public Builder responseOffsets(int min, int max) {
            if (min < 0 || max <= min) {
                throw new IllegalArgumentException("response offsets are 0 <= min < max: " + min + ", " + max);
            }
            this.minResponseOffset = min;
            this.maxResponseOffset = max;
            return this;
        }

        /**
         * Creates the configuration.
         *
         * @return the configuration
         * @throws IllegalArgumentException if the per-request probabilities add up to more than 1
         */
        public FaultConfig build() {
            double perRequest = probabilities.entrySet().stream().filter(e -> e.getKey() != FaultKind.REFUSE)
                    .mapToDouble(Map.Entry::getValue).sum();
            if (perRequest > 1 + 1e-9) {
                throw new IllegalArgumentException("the per-request probabilities add up to " + perRequest);
            }
            return new FaultConfig(this);
        }
    }
}
