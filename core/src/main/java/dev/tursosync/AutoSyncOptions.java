package dev.tursosync;

import java.time.Duration;

/**
 * How {@link SyncClient#autoSync(AutoSyncOptions)} keeps a replica in sync in the background.
 *
 * <ul>
 *   <li><b>Push</b>: a push starts {@link #pushDebounce()} after a local commit, carrying every commit made in
 *       between (so a steady stream of commits is pushed once per debounce), and at once after a pull that finds
 *       changes still to push (a rebase, or a commit that raced the push).</li>
 *   <li><b>Pull</b>: pulls run one after the other, each starting at least {@link #pullInterval()} after the start of
 *       the previous one. With a server that holds a pull open until something changes (long poll, see
 *       {@link SyncClient.Builder#longPollTimeout(Duration)}), the long poll is the wait; with one that answers at
 *       once, such as {@code tursodb --sync-server}, the interval is. With a long poll, a pull still waiting for the
 *       server is cancelled when a push is due, so a long poll never delays a push; without one a pull is never
 *       cancelled (the server answers at once) and takes its turn between pushes.</li>
 *   <li><b>Checkpoint</b>: after each pull or push, a checkpoint runs if the WAL is larger than
 *       {@link SyncClient.Builder#autoCheckpointWalBytes(long)}.</li>
 *   <li><b>Errors</b>: each operation already retries transient failures ({@link SyncClient.Builder#retry}); when it
 *       still fails, whatever the error, background sync waits {@link #firstBackoff()}, doubling up to
 *       {@link #maxBackoff()} with jitter, and tries again, until it is disposed or the client closes.
 *       {@link SyncClient#status()} shows the wait, its cause and the next attempt.</li>
 * </ul>
 */
public final class AutoSyncOptions {

    private static final AutoSyncOptions DEFAULTS = builder().build();

    private final Duration pushDebounce;
    private final Duration pullInterval;
    private final Duration firstBackoff;
    private final Duration maxBackoff;
    private final double jitter;
    private final boolean pull;
    private final boolean push;

    private AutoSyncOptions(Builder builder) {
        this.pushDebounce = builder.pushDebounce;
        this.pullInterval = builder.pullInterval;
        this.firstBackoff = builder.firstBackoff;
        this.maxBackoff = builder.maxBackoff;
        this.jitter = builder.jitter;
        this.pull = builder.pull;
        this.push = builder.push;
    }

    /**
     * The defaults: push 250 ms after local commits, a pull at most every second, back off from 1 s to 60 s.
     *
     * @return the default options
     */
    public static AutoSyncOptions defaults() {
        return DEFAULTS;
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
     * How long after a local commit the push that carries it starts; commits made in between join that push.
     *
     * @return the debounce, zero or more
     */
    public Duration pushDebounce() {
        return pushDebounce;
    }

    /**
     * The shortest time between the starts of two pulls.
     *
     * @return a positive duration
     */
    public Duration pullInterval() {
        return pullInterval;
    }

    /**
     * The wait after the first failure.
     *
     * @return a positive duration
     */
    public Duration firstBackoff() {
        return firstBackoff;
    }

    /**
     * The longest wait after failures, before jitter.
     *
     * @return a duration not shorter than {@link #firstBackoff()}
     */
    public Duration maxBackoff() {
        return maxBackoff;
    }

    /**
     * The share by which each wait is moved at random, up or down.
     *
     * @return between 0 and 1
     */
    public double jitter() {
        return jitter;
    }

    /**
     * Whether background sync pulls.
     *
     * @return {@code true} unless turned off
     */
    public boolean pull() {
        return pull;
    }

    /**
     * Whether background sync pushes.
     *
     * @return {@code true} unless turned off
     */
    public boolean push() {
        return push;
    }

    @Override
    public String toString() {
        return "AutoSyncOptions[pushDebounce=" + pushDebounce + ", pullInterval=" + pullInterval + ", firstBackoff="
                + firstBackoff + ", maxBackoff=" + maxBackoff + ", jitter=" + jitter + ", pull=" + pull + ", push="
                + push + "]";
    }

    /**
     * Builds {@link AutoSyncOptions}; every setting starts at its default.
     */
    public static final class Builder {

        private Duration pushDebounce = Duration.ofMillis(250);
        private Duration pullInterval = Duration.ofSeconds(1);
        private Duration firstBackoff = Duration.ofSeconds(1);
        private Duration maxBackoff = Duration.ofSeconds(60);
        private double jitter = 0.5;
        private boolean pull = true;
        private boolean push = true;

        private Builder() {
        }

        /**
         * How long after a local commit the push that carries it starts; commits made in between join that push.
         * Default 250 ms.
         *
         * @param debounce zero or more
         * @return this builder
         */
        public Builder pushDebounce(Duration debounce) {
            if (debounce == null || debounce.isNegative()) {
                throw new IllegalArgumentException("pushDebounce must not be negative");
            }
            this.pushDebounce = debounce;
            return this;
        }

        /**
         * The shortest time between the starts of two pulls. Default 1 s.
         *
         * @param interval a positive duration
         * @return this builder
         */
        public Builder pullInterval(Duration interval) {
            this.pullInterval = RetryOptions.Builder.positive(interval, "pullInterval");
            return this;
        }

        /**
         * The wait after the first failure. Default 1 s.
         *
         * @param backoff a positive duration
         * @return this builder
         */
        public Builder firstBackoff(Duration backoff) {
            this.firstBackoff = RetryOptions.Builder.positive(backoff, "firstBackoff");
            return this;
        }

        /**
         * The longest wait after failures. Default 60 s.
         *
         * @param backoff a positive duration
         * @return this builder
         */
        public Builder maxBackoff(Duration backoff) {
            this.maxBackoff = RetryOptions.Builder.positive(backoff, "maxBackoff");
            return this;
        }

        /**
         * The share by which each wait is moved at random, up or down. Default 0.5.
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
         * Whether to pull. Default {@code true}; {@code false} for a replica that only sends.
         *
         * @param enabled whether to pull
         * @return this builder
         */
        public Builder pull(boolean enabled) {
            this.pull = enabled;
            return this;
        }

        /**
         * Whether to push. Default {@code true}; {@code false} for a replica that only reads.
         *
         * @param enabled whether to push
         * @return this builder
         */
        public Builder push(boolean enabled) {
            this.push = enabled;
            return this;
        }

        /**
         * Creates the options.
         *
         * @return the options
         * @throws IllegalArgumentException if {@code maxBackoff} is shorter than {@code firstBackoff}
         */
        public AutoSyncOptions build() {
            if (maxBackoff.compareTo(firstBackoff) < 0) {
                throw new IllegalArgumentException("maxBackoff must not be shorter than firstBackoff");
            }
            return new AutoSyncOptions(this);
        }
    }
}
