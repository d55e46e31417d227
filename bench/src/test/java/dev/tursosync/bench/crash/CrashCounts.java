package dev.tursosync.bench.crash;

import java.util.Map;
import java.util.TreeMap;

/** Named counters of the suite, printed as its report. */
final class CrashCounts {

    private final Map<String, Map<String, Integer>> sections = new TreeMap<>();

    /**
     * Adds one to a counter.
     *
     * @param section the report section
     * @param name    the counter
     */
    void add(String section, String name) {
        add(section, name, 1);
    }

    /**
     * Adds to a counter.
     *
     * @param section the report section
     * @param name    the counter
     * @param amount  how much
     */
    void add(String section, String name, int amount) {
        sections.computeIfAbsent(section, s -> new TreeMap<>()).merge(name, amount, Integer::sum);
    }

    /**
     * A counter's value.
     *
     * @param section the report section
     * @param name    the counter
     * @return its value, 0 if never counted
     */
    int get(String section, String name) {
        return sections.getOrDefault(section, Map.of()).getOrDefault(name, 0);
    }

    /**
     * The sum of a section's counters.
     *
     * @param section the report section
     * @return the sum
     */
    int total(String section) {
        return sections.getOrDefault(section, Map.of()).values().stream().mapToInt(Integer::intValue).sum();
    }

    /**
     * The report.
     *
     * @param title its first line
     * @return the title and one indented line per counter, by section
     */
    String report(String title) {
        StringBuilder report = new StringBuilder(title);
        sections.forEach((section, counters) -> {
            report.append("\n  ").append(section).append(" (").append(total(section)).append("):");
            counters.forEach((name, value) -> report.append("\n    ").append(name).append(": ").append(value));
        });
        return report.toString();
    }
}
