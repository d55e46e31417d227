package dev.tursosync.bench.fault;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The checks after the replicas converged: every committed write is on the remote with its writer's last value and
 * nothing else is, no token is held twice, every replica holds the remote's rows, every file is sound. Each check
 * that holds is counted; each that fails is described, and the test fails on the list.
 */
final class FinalChecks {

    /** Checks that held. */
    static final String CHECKS = "checks passed";
    private static final int MAX_LISTED = 10;

    private final FaultTally tally;
    private final List<String> failures = new ArrayList<>();

    FinalChecks(FaultTally tally) {
        this.tally = tally;
    }

    /**
     * Each writer's rows on the remote are exactly its last committed values.
     *
     * @param remote the remote's rows
     * @param models what the writers committed
     */
    void writers(RemoteRows remote, List<WriterModel> models) {
        Set<String> names = new TreeSet<>();
        for (WriterModel model : models) {
            names.add(model.name());
            Map<Long, String> held = remote.valuesOf(model.name());
            List<String> wrong = new ArrayList<>();
            Set<Long> keys = new TreeSet<>(held.keySet());
            keys.addAll(model.values().keySet());
            for (long key : keys) {
                String expected = model.values().get(key);
                String actual = held.get(key);
                if (!Objects.equals(expected, actual)) {
                    wrong.add("key " + key + ": last committed " + tagOf(expected) + ", remote " + tagOf(actual));
                }
            }
            check(wrong.isEmpty(), "remote = last committed value of every key of " + model.name(),
                    model.name() + "'s keys on the remote (" + model.committed() + " transactions committed): "
                            + listed(wrong));
        }
        List<String> strangers = new ArrayList<>();
        remote.rows().forEach((key, row) -> {
            if (!names.contains((String) row.get(1))) {
                strangers.add("key " + key + " of writer " + row.get(1));
            }
        });
        check(strangers.isEmpty(), "no remote row of an unknown writer", "unknown rows: " + listed(strangers));
    }

    /**
     * Every committed token is on the remote exactly once, and no other token is.
     *
     * @param remote the remote's rows
     * @param models what the writers committed
     */
    void tokens(RemoteRows remote, List<WriterModel> models) {
        Map<String, Integer> counts = new TreeMap<>();
        remote.tokens().forEach(token -> counts.merge(token, 1, Integer::sum));
        Set<String> committed = new TreeSet<>();
        models.forEach(model -> committed.addAll(model.tokens()));
        List<String> duplicates = new ArrayList<>();
        counts.forEach((token, count) -> {
            if (count > 1) {
                duplicates.add(token + " x" + count);
            }
        });
        Set<String> lost = new TreeSet<>(committed);
        lost.removeAll(counts.keySet());
        Set<String> unknown = new TreeSet<>(counts.keySet());
        unknown.removeAll(committed);
        check(duplicates.isEmpty(), "no duplicate token on the remote", "duplicate remote tokens (a change applied "
                + "twice): " + listed(duplicates));
        check(lost.isEmpty(), "every committed token on the remote", "committed tokens missing on the remote (lost): "
                + listed(new ArrayList<>(lost)));
        check(unknown.isEmpty(), "no uncommitted token on the remote", "remote tokens no writer committed: "
                + listed(new ArrayList<>(unknown)));
        tally.add("rows", "tokens committed", committed.size());
    }

    /**
     * A replica holds the remote's rows.
     *
     * @param name     the replica
     * @param rows     its rows
     * @param expected the remote's rows
     */
    void sameRows(String name, List<String> rows, List<String> expected) {
        check(rows.equals(expected), name + " = remote", name + " differs from the remote: "
                + Convergence.firstDifference(rows, expected));
    }

    /**
     * A replica's files are sound and hold the remote's rows.
     *
     * @param name     the replica
     * @param files    what a copy of its files holds
     * @param expected the remote's rows
     */
    void files(String name, DatabaseFiles files, List<String> expected) {
        check(files.integrity().equals(List.of("ok")), "integrity_check ok: " + name,
                name + ": integrity_check says " + listed(files.integrity()));
        check(files.rows().equals(expected), "file rows = remote: " + name,
                name + "'s file differs from the remote: " + Convergence.firstDifference(files.rows(), expected));
    }

    /**
     * Records a check that is not about rows.
     *
     * @param holds   whether it holds
     * @param name    its name in the report
     * @param failure the failure's description
     */
    void check(boolean holds, String name, String failure) {
        if (holds) {
            tally.add(CHECKS, name);
        } else {
            failures.add(failure);
        }
    }

    /**
     * The checks that failed.
     *
     * @return their descriptions
     */
    List<String> failures() {
        return failures;
    }

    private static String tagOf(String value) {
        if (value == null) {
            return "(no row)";
        }
        int end = value.indexOf('~');
        String tag = end < 0 ? value.substring(0, Math.min(40, value.length())) : value.substring(0, end);
        return FaultTables.value(tag).equals(value) ? tag : tag + " (damaged, " + value.length() + " characters)";
    }

    private static String listed(List<String> items) {
        return items.size() <= MAX_LISTED ? items.toString()
                : items.subList(0, MAX_LISTED) + " and " + (items.size() - MAX_LISTED) + " more";
    }
}
