package dev.tursosync.bench.fault;

import dev.tursosync.SyncClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The end of the faulted phase: with the proxies passing everything through, rounds of pushes (Java {@code sync()},
 * JS push) and then pulls on every replica, until no Java replica has pending changes and all replicas hold the
 * remote's rows. (The JS SDK's {@code cdcOperations} counts rows of its change log, which a push does not empty, so
 * it tells nothing here.)
 */
final class Convergence {

    /** Operations that failed once faults were off. */
    static final String ERRORS = "errors after faults stopped";
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final Replicas replicas;
    private final RemoteReader remote;
    private final FaultTally tally;
    private String difference = "not compared yet";

    Convergence(Replicas replicas, RemoteReader remote, FaultTally tally) {
        this.replicas = replicas;
        this.remote = remote;
        this.tally = tally;
    }

    /**
     * Syncs in rounds until the replicas are stable.
     *
     * @param maxRounds the most rounds
     * @return the rounds it took, or -1 if the replicas still differ after {@code maxRounds}
     */
    int run(int maxRounds) {
        for (int round = 1; round <= maxRounds; round++) {
            boolean clean = true;
            for (Map.Entry<String, SyncClient> java : replicas.javaClients().entrySet()) {
                clean &= step(java.getKey() + " sync()", () -> java.getValue().sync().block(WAIT));
            }
            clean &= step("JS push", replicas.js()::push);
            for (Map.Entry<String, SyncClient> java : replicas.javaClients().entrySet()) {
                clean &= step(java.getKey() + " pullChanges()", () -> java.getValue().pullChanges().then().block(WAIT));
            }
            clean &= step("JS pull", replicas.js()::pull);
            if (clean && stable()) {
                return round;
            }
        }
        return -1;
    }

    /**
     * What differed at the last comparison.
     *
     * @return a description
     */
    String difference() {
        return difference;
    }

    private boolean step(String name, Runnable work) {
        try {
            work.run();
            return true;
        } catch (RuntimeException e) {
            tally.add(ERRORS, name + ": " + e.getClass().getSimpleName());
            tally.note("after faults stopped, " + name + " failed: " + e);
            difference = name + " failed: " + e;
            return false;
        }
    }

    private boolean stable() {
        List<String> expected = remote.read().quoted();
        Map<String, List<String>> replicaRows = new LinkedHashMap<>();
        Map<String, Long> pending = new LinkedHashMap<>();
        replicas.javaClients().forEach((name, client) -> {
            replicaRows.put(name, JavaRows.of(client));
            pending.put(name, client.stats().block(WAIT).pendingChanges());
        });
        List<String> jsRows = new ArrayList<>();
        FaultTables.ROW_QUERIES.forEach(query -> jsRows.addAll(replicas.js().texts(query)));
        replicaRows.put("JS", jsRows);
        List<String> differences = new ArrayList<>();
        pending.forEach((name, count) -> {
            if (count != 0) {
                differences.add(name + " has " + count + " pending changes");
            }
        });
        replicaRows.forEach((name, rows) -> {
            if (!rows.equals(expected)) {
                differences.add(name + " differs from the remote: " + firstDifference(rows, expected));
            }
        });
        difference = differences.isEmpty() ? "none" : String.join("; ", differences);
        return differences.isEmpty();
    }

    /**
     * The first row where two row lists differ.
     *
     * @param actual   the replica's rows
     * @param expected the remote's rows
     * @return a short description
     */
    static String firstDifference(List<String> actual, List<String> expected) {
        for (int i = 0; i < Math.max(actual.size(), expected.size()); i++) {
            String a = i < actual.size() ? actual.get(i) : null;
            String e = i < expected.size() ? expected.get(i) : null;
            if (!Objects.equals(a, e)) {
                return actual.size() + " rows against " + expected.size() + "; row " + i + " is " + shorten(a)
                        + " instead of " + shorten(e);
            }
        }
        return "equal";
    }

    private static String shorten(String row) {
        return row == null ? "nothing" : row.length() > 60 ? row.substring(0, 60) + "..." : row;
    }
}
