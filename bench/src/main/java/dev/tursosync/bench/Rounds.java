package dev.tursosync.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a measurement round by round, every client once per round, alternating which client goes first. Warm-up
 * rounds come first and are not recorded.
 */
final class Rounds {

    /** Prepares a round before the clients measure, for example by changing rows on the remote. */
    @FunctionalInterface
    interface Preparation {
        void prepare(int round) throws Exception;
    }

    /** Measures one client in one round. */
    @FunctionalInterface
    interface Measurement {
        double measure(SyncSide side, int round) throws Exception;
    }

    private Rounds() {
    }

    /**
     * Runs {@code warmups + runs} rounds.
     *
     * @param label       what is measured, for progress lines
     * @param context     options and clients
     * @param sides       the clients to measure, in the order of the first round
     * @param preparation runs before each round (round numbers start at 0, warm-ups included)
     * @param measurement one measurement
     * @return the recorded samples per client name
     * @throws Exception when a preparation or measurement fails
     */
    static Map<String, Samples> interleaved(String label, BenchContext context, List<SyncSide> sides,
                                            Preparation preparation, Measurement measurement) throws Exception {
        int warmups = context.options().warmups();
        int total = warmups + context.options().runs();
        Map<String, Samples> samples = new LinkedHashMap<>();
        sides.forEach(side -> samples.put(side.name(), new Samples()));
        for (int round = 0; round < total; round++) {
            preparation.prepare(round);
            List<SyncSide> order = new ArrayList<>(sides);
            if (round % 2 == 1) {
                Collections.reverse(order);
            }
            StringBuilder line = new StringBuilder(round < warmups
                    ? String.format("  %s warm-up %d/%d:", label, round + 1, warmups)
                    : String.format("  %s run %d/%d:", label, round - warmups + 1, context.options().runs()));
            for (SyncSide side : order) {
                double value = measurement.measure(side, round);
                if (round >= warmups) {
                    samples.get(side.name()).add(value);
                }
                line.append(String.format(" %s %.1f", side.name(), value));
            }
            System.out.println(line);
        }
        return samples;
    }
}
