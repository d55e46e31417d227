package dev.tursosync.testing;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** The thread-safe counters behind {@link FaultCounts}. */
final class FaultCounters {

    private final AtomicLong connections = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong injected = new AtomicLong();
    private final Map<FaultKind, AtomicLong> faults = new EnumMap<>(FaultKind.class);

    FaultCounters() {
        for (FaultKind kind : FaultKind.values()) {
            faults.put(kind, new AtomicLong());
        }
    }

    void connection() {
        connections.incrementAndGet();
    }

    void request() {
        requests.incrementAndGet();
    }

    void injected(FaultKind kind) {
        faults.get(kind).incrementAndGet();
        injected.incrementAndGet();
    }

    long injected() {
        return injected.get();
    }

    FaultCounts snapshot() {
        Map<FaultKind, Long> byKind = new EnumMap<>(FaultKind.class);
        faults.forEach((kind, count) -> {
            if (count.get() > 0) {
                byKind.put(kind, count.get());
            }
        });
        return new FaultCounts(connections.get(), requests.get(), byKind);
    }
}
