package dev.tursosync.testing;

import java.util.Random;

/**
 * The fault drawn for one request: its kind ({@code null} for none), where in the request it strikes (a fraction of
 * the request's length), where in the response (a byte offset), and how long a delay lasts.
 *
 * @param kind            the fault, or {@code null} to pass the exchange through
 * @param requestFraction for request faults, the share of the request forwarded before the fault, in [0, 1)
 * @param responseOffset  for response faults, the number of response bytes forwarded before the fault
 * @param delayMillis     for {@link FaultKind#DELAY}, the delay
 */
record FaultChoice(FaultKind kind, double requestFraction, long responseOffset, long delayMillis) {

    /** No fault. */
    static final FaultChoice NONE = new FaultChoice(null, 0, 0, 0);

    /**
     * Draws the fault of a request. It always takes the same number of values from {@code random}, so that a seed
     * gives the same sequence of choices whichever kinds are drawn.
     *
     * @param config the probabilities
     * @param random the connection's random source
     * @return the choice
     */
    static FaultChoice draw(FaultConfig config, Random random) {
        double dice = random.nextDouble();
        double fraction = random.nextDouble();
        int span = config.maxResponseOffset() - config.minResponseOffset();
        long offset = config.minResponseOffset()
                + Math.min(span - 1, (long) Math.floor(Math.exp(random.nextDouble() * Math.log(span + 1.0))) - 1);
        long minDelay = config.minDelay().toMillis();
        long delay = minDelay + (long) (random.nextDouble() * (config.maxDelay().toMillis() - minDelay + 1));
        double cumulative = 0;
        for (FaultKind kind : FaultKind.values()) {
            if (kind == FaultKind.REFUSE) {
                continue;
            }
            cumulative += config.probability(kind);
            if (dice < cumulative) {
                return new FaultChoice(kind, fraction, Math.max(config.minResponseOffset(), offset), delay);
            }
        }
        return NONE;
    }

    /**
     * The byte of a request at which a request fault strikes.
     *
     * @param requestLength the request's length in bytes
     * @return an offset from 0 to {@code requestLength - 1} (0 for an empty request)
     */
    int requestOffset(int requestLength) {
        return Math.min(Math.max(requestLength - 1, 0), (int) Math.floor(requestFraction * requestLength));
    }
}
