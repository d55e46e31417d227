package dev.tursosync.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One line of the report: a workload's measurements per client (by {@link SyncSide#name()}), in a unit.
 *
 * @param label   what was measured
 * @param unit    {@code ms} or {@code MB}
 * @param samples measurements per client name; a missing client shows as not measured
 * @param note    a remark for the reader, or empty
 */
record ResultRow(String label, String unit, Map<String, Samples> samples, String note) {

    ResultRow {
        samples = new LinkedHashMap<>(samples);
    }

    /**
     * The measurements of one client, or {@code null} when it was not measured.
     *
     * @param side the client name
     * @return the samples or {@code null}
     */
    Samples of(String side) {
        Samples s = samples.get(side);
        return s == null || s.isEmpty() ? null : s;
    }
}
