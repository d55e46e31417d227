package dev.tursosync.bench;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One open replica per client on the same remote, bootstrapped outside any timed region; remembers what each
 * client's pulls reported so the report can show it. Closing closes them all.
 */
final class OpenReplicas implements AutoCloseable {

    private final Map<String, SyncSide.Replica> replicas = new LinkedHashMap<>();
    private final Map<String, Set<String>> pullDetails = new LinkedHashMap<>();
    private final Map<String, Double> openMs = new LinkedHashMap<>();

    /**
     * Opens (bootstraps) one replica per client, each in {@code <dir>/<client>.db}.
     *
     * @param sides the clients
     * @param url   the remote
     * @param dir   a folder for the replicas
     * @return the open replicas
     */
    static OpenReplicas open(List<SyncSide> sides, String url, Path dir) {
        OpenReplicas open = new OpenReplicas();
        try {
            for (SyncSide side : sides) {
                long start = System.nanoTime();
                open.replicas.put(side.name(), side.open(url, dir.resolve(side.name().toLowerCase() + ".db")));
                open.openMs.put(side.name(), Millis.since(start));
                open.pullDetails.put(side.name(), new TreeSet<>());
            }
            return open;
        } catch (RuntimeException e) {
            open.close();
            throw e;
        }
    }

    SyncSide.Replica of(SyncSide side) {
        return replicas.get(side.name());
    }

    /**
     * Pulls on one client's replica and returns the duration.
     *
     * @param side the client
     * @return milliseconds
     */
    double pull(SyncSide side) {
        SyncSide.PullResult result = of(side).pull();
        pullDetails.get(side.name()).add(result.detail());
        return result.ms();
    }

    /**
     * What the pulls reported, per client, such as {@code Java: 10 events; JS: changed=true}.
     *
     * @return the distinct details
     */
    String pullDetails() {
        StringBuilder out = new StringBuilder();
        pullDetails.forEach((side, details) -> out.append(out.length() == 0 ? "" : "; ").append(side).append(" pulls: ")
                .append(String.join(", ", details)));
        return out.toString();
    }

    /**
     * How long opening (bootstrapping) took per client, measured by the harness (includes the driver round trip).
     *
     * @return for example {@code JS 2100, Java 1900}
     */
    String openTimes() {
        StringBuilder out = new StringBuilder();
        openMs.forEach((side, ms) -> out.append(out.length() == 0 ? "" : ", ").append(side).append(' ')
                .append(Report.number(ms)));
        return out.toString();
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        for (SyncSide.Replica replica : replicas.values()) {
            try {
                replica.close();
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
        }
        replicas.clear();
        if (failure != null) {
            throw failure;
        }
    }
}
