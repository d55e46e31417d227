package dev.tursosync;

import java.time.Duration;
import java.util.Objects;

/**
 * How {@link SyncClient} retries an operation that failed with a {@linkplain TursoSyncException#isTransient()
 * transient} error (a refused or reset connection, a timeout, a reply cut short, HTTP 408, 429, 502, 503, 504).
 *
 * <p>The whole operation is retried: a pull is fetched again from the start, a push starts again by reading the
 * remote's record of this client, so a batch the remote already committed is never sent twice. Errors caused by
 * data or credentials ({@link SyncAuthenticationException}, {@link PushRejectedException},
 * {@link ReplayFailedException}, ...) are not retried.
 *
 * <p>The delay before retry {@code n} (from 1) is {@code firstBackoff * 2^(n-1)}, capped at {@code maxBackoff},
 * then moved by a random amount of up to {@code jitter} times itself in either direction, so that many clients
 * that failed together do not come back together.
 *
 * <pre>{@code
 * RetryOptions retry = RetryOptions.builder()
 *     .maxRetries(5)
 *     .firstBackoff(Duration.ofMillis(100))
 *     .build();
 * }</pre>
 */
public final class RetryOptions {

    private static final RetryOptions DEFAULTS = builder().build();
    private static final RetryOptions NONE = builder().maxRetries(0).build();

    private final int maxRetries;
    private final Duration firstBackoff;
    private final Duration maxBackoff;
    private final double jitter;

    private RetryOptions(Builder builder) {
        this.maxRetries = builder.maxRetries;
        this.firstBackoff = builder.firstBackoff;
        this.maxBackoff = builder.maxBackoff;
        this.jitter = builder.jitter;
    }

    /**
     * The defaults: 3 retries, 250 ms first backoff, 5 s at most, jitter 0.5.
     *
     * @return the default options
     */
    public static RetryOptions defaults() {
        return DEFAULTS;
    }

    /**
     * No retries: every failure surfaces at once.
     *
     * @return options with {@code maxRetries} 0
     */
    public static RetryOptions none() {
        return NONE;
    }

    /**
     * Starts from the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * How many times an operation is tried again after its first attempt.
     *
     * @return 0 or more
     */
    public int maxRetries() {
        return maxRetries;
    }

    /**
     * The delay before the first retry, before jitter.
     *
     * @return a positive duration
     */
    public Duration firstBackoff() {
        return firstBackoff;
    }

    /**
     * The longest delay between two attempts, before jitter.
     *
     * @return a duration not shorter than {@link #firstBackoff()}
     */
    public Duration maxBackoff() {
        return maxBackoff;
    }

    /**
     * The share of each delay by which it is moved at random, up or down.
     *
     * @return between 0 and 1
     */
    public double jitter() {
        return jitter;
    }

    @Override
    public String toString() {
        return "RetryOptions[maxRetries=" + maxRetries + ", firstBackoff=" + firstBackoff + ", maxBackoff="
                + maxBackoff + ", jitter=" + jitter + "]";
    }

    /**
     * Builds {@link RetryOptions}; every setting starts at its default.
     */
    public static final class Builder {

        private int maxRetries = 3;
        private Duration firstBackoff = Duration.ofMillis(250);
        private Duration maxBackoff = Duration.ofSeconds(5);
        private double jitter = 0.5;

        private Builder() {
        }

        /**
         * How many times an operation is tried again after its first attempt. Default 3.
         *
         * @param retries 0 or more
         * @return this builder
         */
        public Builder maxRetries(int retries) {
            if (retries < 0) {
                throw new IllegalArgumentException("maxRetries must not be negative");
            }
            this.maxRetries = retries;
            return this;
        }

        /**
         * The delay before the first retry. Default 250 ms.
         *
         * @param backoff a positive duration
         * @return this builder
         */
        public Builder firstBackoff(Duration backoff) {
            this.firstBackoff = positive(backoff, "firstBackoff");
            return this;
        }

        /**
         * The longest delay between two attempts. Default 5 s.
         *
         * @param backoff a positive duration
         * @return this builder
         */
        public Builder maxBackoff(Duration backoff) {
            this.maxBackoff = positive(backoff, "maxBackoff");
            return this;
        }

        /**
         * The share of each delay by which it is moved at random, up or down. Default 0.5; 0 makes the delays exact.
         *
         * @param share between 0 and 1
         * @return this builder
         */
        public Builder jitter(double share) {
            if (!(share >= 0 && share <= 1)) {
                throw new IllegalArgumentException("jitter must be between 0 and 1");
            }
            this.jitter = share;
            return this;
        }

        /**
         * Creates the options.
         *
         * @return the options
         * @throws IllegalArgumentException if {@code maxBackoff} is shorter than {@code firstBackoff}
         */
        public RetryOptions build() {
            if (maxBackoff.compareTo(firstBackoff) < 0) {
                throw new IllegalArgumentException("maxBackoff must not be shorter than firstBackoff");
            }
            return new RetryOptions(this);
        }

        static Duration positive(Duration duration, String name) {
            Objects.requireNonNull(duration, name);
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException(name + " must be positive");
            }
            return duration;
        }
    }
}
