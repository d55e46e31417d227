package dev.tursosync.testing;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * What a {@link FaultProxy} has done so far: the connections it accepted, the HTTP requests it saw on them, and the
 * faults it injected by kind (a fault counts once it struck, not when it was drawn: a response fault drawn for a
 * response shorter than its offset never strikes).
 *
 * @param connections the connections accepted
 * @param requests    the requests seen
 * @param faults      the faults injected, by kind; kinds never injected are absent
 */
public record FaultCounts(long connections, long requests, Map<FaultKind, Long> faults) {

    /**
     * Copies the map.
     *
     * @param connections the connections accepted
     * @param requests    the requests seen
     * @param faults      the faults injected, by kind
     */
    public FaultCounts {
        faults = Collections.unmodifiableMap(faults.isEmpty() ? new EnumMap<>(FaultKind.class) : new EnumMap<>(faults));
    }

    /**
     * The number of faults injected.
     *
     * @return the sum over all kinds
     */
    public long total() {
        return faults.values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * Adds two counts, for example of two proxies.
     *
     * @param other the other counts
     * @return the sums
     */
    public FaultCounts plus(FaultCounts other) {
        Map<FaultKind, Long> sum = new EnumMap<>(FaultKind.class);
        sum.putAll(faults);
        other.faults.forEach((kind, count) -> sum.merge(kind, count, Long::sum));
        return new FaultCounts(connections + other.connections, requests + other.requests, sum);
    }
}
