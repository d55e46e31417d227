package dev.tursosync.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a measurement round by round, every client (or variant) once per round, alternating which goes first. Warm-up
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
     * Runs {@code warmups + runs} rounds, every client once per round.
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
        Map<String, SyncSide> byName = new LinkedHashMap<>();
        sides.forEach(side -> byName.put(side.name(), side));
        return variants(label, context, List.copyOf(byName.keySet()), preparation,
                (name, round) -> measurement.measure(byName.get(name), round));
    }

    /** Measures one variant (by name) in one round. */
    @FunctionalInterface
    interface VariantMeasurement {
        double measure(String variant, int round) throws Exception;
    }

    /**
     * Runs {@code warmups + runs} rounds, every variant once per round; for comparisons within one client.
     *
     * @param label       what is measured, for progress lines
     * @param context     options
     * @param variants    the variants' names, in the order of the first round
     * @param preparation runs before each round (round numbers start at 0, warm-ups included)
     * @param measurement one measurement
     * @return the recorded samples per variant name
     * @throws Exception when a preparation or measurement fails
     */
    static Map<String, Samples> variants(String label, BenchContext context, List<String> variants,
                                         Preparation preparation, VariantMeasurement measurement)
            throws Exception {
        int warmups = context.options().warmups();
        int total = warmups + context.options().runs();
        Map<String, Samples> samples = new LinkedHashMap<>();
        variants.forEach(name -> samples.put(name, new Samples()));
        for (int round = 0; round < total; round++) {
            preparation.prepare(round);
            List<String> order = new ArrayList<>(variants);
            if (round % 2 == 1) {
                Collections.reverse(order);
            }
            StringBuilder line = new StringBuilder(round < warmups
                    ? String.format("  %s warm-up %d/%d:", label, round + 1, warmups)
                    : String.format("  %s run %d/%d:", label, round - warmups + 1, context.options().runs()));
            for (String name : order) {
                double value = measurement.measure(name, round);
                if (round >= warmups) {
                    samples.get(name).add(value);
                }
                line.append(String.format(" %s %.1f", name, value));
            }
            System.out.println(line);
        }
        return samples;
    }
}
