package dev.tursosync.bench.fault;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;

/** Named counters of the suite, safe to add to from every thread, printed as its report; and notable messages. */
final class FaultTally {

    private static final int MAX_MESSAGES = 20;

    private final Map<String, Map<String, LongAdder>> sections = new ConcurrentSkipListMap<>();
    private final List<String> messages = Collections.synchronizedList(new ArrayList<>());

    /**
     * Adds to a counter.
     *
     * @param section the report section
     * @param name    the counter
     * @param amount  how much
     */
    void add(String section, String name, long amount) {
        sections.computeIfAbsent(section, s -> new ConcurrentSkipListMap<>())
                .computeIfAbsent(name, n -> new LongAdder()).add(amount);
    }

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
     * A counter's value.
     *
     * @param section the report section
     * @param name    the counter
     * @return its value, 0 if never counted
     */
    long get(String section, String name) {
        LongAdder counter = sections.getOrDefault(section, Map.of()).get(name);
        return counter == null ? 0 : counter.sum();
    }

    /**
     * The sum of a section's counters.
     *
     * @param section the report section
     * @return the sum
     */
    long total(String section) {
        return sections.getOrDefault(section, Map.of()).values().stream().mapToLong(LongAdder::sum).sum();
    }

    /**
     * The counters of a section.
     *
     * @param section the report section
     * @return counter name to value
     */
    Map<String, Long> section(String section) {
        Map<String, Long> values = new TreeMap<>();
        sections.getOrDefault(section, Map.of()).forEach((name, value) -> values.put(name, value.sum()));
        return values;
    }

    /**
     * Keeps a message for the report (the first twenty).
     *
     * @param message what happened
     */
    void note(String message) {
        synchronized (messages) {
            if (messages.size() < MAX_MESSAGES) {
                messages.add(message);
            }
        }
    }

    /**
     * The messages kept.
     *
     * @return a copy
     */
    List<String> messages() {
        synchronized (messages) {
            return List.copyOf(messages);
        }
    }

    /**
     * The report.
     *
     * @param title its first line
     * @return the title, one indented line per counter by section, and the messages
     */
    String report(String title) {
        StringBuilder report = new StringBuilder(title);
        sections.forEach((section, counters) -> {
            report.append("\n  ").append(section).append(" (").append(total(section)).append("):");
            counters.forEach((name, value) -> report.append("\n    ").append(name).append(": ").append(value.sum()));
        });
        List<String> kept = messages();
        if (!kept.isEmpty()) {
            report.append("\n  notes:");
            kept.forEach(message -> report.append("\n    ").append(message));
        }
        return report.toString();
    }
}
