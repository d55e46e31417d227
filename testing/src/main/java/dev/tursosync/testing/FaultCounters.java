package dev.tursosync.testing;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** The thread-safe counters behind {@link FaultCounts}, and a description of the last faults injected. */
final class FaultCounters {

    private static final int KEPT_EVENTS = 256;

    private final AtomicLong connections = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong injected = new AtomicLong();
    private final Map<FaultKind, AtomicLong> faults = new EnumMap<>(FaultKind.class);
    private final Deque<String> events = new ArrayDeque<>();

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

    void injected(FaultKind kind, String description) {
        faults.get(kind).incrementAndGet();
        synchronized (events) {
            long number = injected.incrementAndGet();
            events.addLast(number + ": " + description);
            if (events.size() > KEPT_EVENTS) {
                events.removeFirst();
            }
        }
    }

    List<String> since(long number) {
        List<String> recent = new ArrayList<>();
        synchronized (events) {
            long first = injected.get() - events.size() + 1;
            long skip = Math.max(0, number + 1 - first);
            events.stream().skip(skip).forEach(recent::add);
        }
        return recent;
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
