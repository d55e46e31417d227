package dev.tursosync.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * One line of the throughput table: a local workload's runs per engine (by {@link LocalEngine#name()}).
 *
 * @param label what was measured
 * @param runs  the measured runs per engine, in the order taken; a missing engine shows as not measured
 * @param note  a remark for the reader, or empty
 */
record ThroughputRow(String label, Map<String, List<Throughput>> runs, String note) {

    ThroughputRow {
        runs = new LinkedHashMap<>(runs);
    }

    /**
     * One figure of an engine's runs, such as its ops/s, as samples.
     *
     * @param engine the engine's name
     * @param figure which figure
     * @return the samples, or {@code null} when the engine was not measured
     */
    Samples of(String engine, ToDoubleFunction<Throughput> figure) {
        List<Throughput> measured = runs.getOrDefault(engine, new ArrayList<>());
        if (measured.isEmpty()) {
            return null;
        }
        Samples samples = new Samples();
        measured.forEach(run -> samples.add(figure.applyAsDouble(run)));
        return samples;
    }
}
