package dev.tursosync.internal.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

final class AccessGateTests {

    private final AccessGate gate = new AccessGate();

    @Test
    void sharedPermitsRunTogetherAndExclusiveWaitsForThem() {
        AccessGate.Permit first = gate.shared().block(Duration.ofSeconds(1));
        AccessGate.Permit second = gate.shared().block(Duration.ofSeconds(1));
        List<AccessGate.Permit> exclusive = new ArrayList<>();
        gate.exclusive().subscribe(exclusive::add);

        first.release();
        assertThat(exclusive).isEmpty();
        second.release();
        assertThat(exclusive).singleElement().matches(AccessGate.Permit::isExclusive);
    }

    @Test
    void aSharedHolderSeesOthersWaitOnlyWhileARequestWaitsBehindIt() {
        AccessGate.Permit reader = gate.tryShared();
        AccessGate.Permit other = gate.shared().block(Duration.ofSeconds(1));
        assertThat(reader.othersWait()).as("two shared holders, nothing waiting").isFalse();

        List<AccessGate.Permit> exclusive = new ArrayList<>();
        gate.exclusive().subscribe(exclusive::add);
        assertThat(reader.othersWait()).as("an exclusive request waits").isTrue();
        other.release();
        assertThat(reader.othersWait()).as("it still waits for this holder").isTrue();

        reader.release();
        assertThat(exclusive).singleElement().matches(AccessGate.Permit::isExclusive);
        exclusive.get(0).release();
        AccessGate.Permit again = gate.tryShared();
        assertThat(again.othersWait()).as("after the exclusive window").isFalse();
        again.release();
    }

    @Test
    void sharedRequestsQueueBehindAWaitingExclusive() {
        AccessGate.Permit reader = gate.shared().block(Duration.ofSeconds(1));
        List<String> order = new ArrayList<>();
        List<AccessGate.Permit> held = new ArrayList<>();
        gate.exclusive().subscribe(permit -> {
            order.add("exclusive");
            held.add(permit);
        });
        gate.shared().subscribe(permit -> {
            order.add("late reader");
            held.add(permit);
        });

        assertThat(order).isEmpty();
        reader.release();
        assertThat(order).containsExactly("exclusive");
        held.get(0).release();
        assertThat(order).containsExactly("exclusive", "late reader");
        held.get(1).release();
        assertThat(gate.state()).containsExactly(0, 0, 0);
    }

    @Test
    void aCancelledWaiterLeavesTheQueueAndDoesNotBlockOthers() {
        AccessGate.Permit reader = gate.shared().block(Duration.ofSeconds(1));
        Disposable waitingExclusive = gate.exclusive().subscribe();
        List<AccessGate.Permit> late = new ArrayList<>();
        gate.shared().subscribe(late::add);
        assertThat(late).isEmpty();

        waitingExclusive.dispose();

        assertThat(late).hasSize(1);
        reader.release();
        late.get(0).release();
        assertThat(gate.state()).containsExactly(0, 0, 0);
    }

    /**
     * A waiter cancelled at the moment its permit is granted: Reactor's sink can drop the permit without a discard
     * (its cancel marks the sink done before it runs the cancel callback, and a grant in between is "dropped", not
     * discarded), so the gate must give back a permit it granted to a waiter that then cancelled. Thousands of races
     * between the release that grants and the cancel; afterwards nothing may hold the gate.
     */
    @Test
    void aPermitGrantedWhileItsWaiterCancelsIsGivenBack() throws Exception {
        AccessGate gate = new AccessGate();
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 20_000; round++) {
                AccessGate.Permit exclusive = gate.tryExclusive();
                assertThat(exclusive).isNotNull();
                java.util.concurrent.atomic.AtomicReference<AccessGate.Permit> received =
                        new java.util.concurrent.atomic.AtomicReference<>();
                // a consumer as the connection manager's: flatMap takes the permit even if cancelled meanwhile
                Disposable waiting = gate.shared().flatMap(permit -> {
                    received.set(permit);
                    return Mono.empty();
                }).subscribe();
                java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
                Future<?> release = threads.submit(() -> {
                    start.await();
                    exclusive.release();
                    return null;
                });
                Future<?> cancel = threads.submit(() -> {
                    start.await();
                    waiting.dispose();
                    return null;
                });
                start.countDown();
                release.get(10, TimeUnit.SECONDS);
                cancel.get(10, TimeUnit.SECONDS);
                if (received.get() != null) {
                    // delivered before the cancel: the subscriber holds it
                    received.get().release();
                }
                assertThat(gate.state()).as("round " + round + ": holders, exclusive, waiters once the subscriber"
                        + " gave back what it got").containsExactly(0, 0, 0);
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void releaseIsIdempotent() {
        AccessGate.Permit permit = gate.shared().block(Duration.ofSeconds(1));
        permit.release();
        permit.release();
        assertThat(gate.state()).containsExactly(0, 0, 0);
        assertThat(gate.exclusive().block(Duration.ofSeconds(1))).isNotNull();
    }

    @Test
    void theImmediateRequestsGrantOnlyWhatAQueuedRequestWouldGetAtOnce() {
        AccessGate.Permit reader = gate.tryShared();
        assertThat(reader).isNotNull().matches(permit -> !permit.isExclusive());
        assertThat(gate.tryExclusive()).as("exclusive while a reader holds the gate").isNull();
        List<AccessGate.Permit> exclusive = new ArrayList<>();
        gate.exclusive().subscribe(exclusive::add);
        assertThat(gate.tryShared()).as("shared while an exclusive request waits").isNull();

        reader.release();
        assertThat(exclusive).singleElement().matches(AccessGate.Permit::isExclusive);
        assertThat(gate.tryShared()).as("shared while the exclusive permit is held").isNull();
        exclusive.get(0).release();

        AccessGate.Permit alone = gate.tryExclusive();
        assertThat(alone).isNotNull().matches(AccessGate.Permit::isExclusive);
        assertThat(gate.tryExclusive()).isNull();
        alone.release();
        assertThat(gate.state()).containsExactly(0, 0, 0);
    }

    @Test
    void sharedPermitsTakenWithoutTheMonitorNeverOverlapTheExclusiveOne() throws Exception {
        int readers = 4;
        AtomicInteger inShared = new AtomicInteger();
        AtomicBoolean inExclusive = new AtomicBoolean();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger fastGrants = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(readers + 1);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int r = 0; r < readers; r++) {
                running.add(threads.submit(() -> {
                    for (int i = 0; i < 20_000; i++) {
                        AccessGate.Permit permit = gate.tryShared();
                        if (permit != null) {
                            fastGrants.incrementAndGet();
                        } else {
                            permit = gate.shared().block(Duration.ofSeconds(30));
                        }
                        inShared.incrementAndGet();
                        if (inExclusive.get()) {
                            overlaps.incrementAndGet();
                        }
                        inShared.decrementAndGet();
                        permit.release();
                    }
                }));
            }
            running.add(threads.submit(() -> {
                for (int i = 0; i < 2_000; i++) {
                    AccessGate.Permit permit = i % 2 == 0 ? gate.tryExclusive() : null;
                    if (permit == null) {
                        permit = gate.exclusive().block(Duration.ofSeconds(30));
                    }
                    inExclusive.set(true);
                    if (inShared.get() > 0) {
                        overlaps.incrementAndGet();
                    }
                    inExclusive.set(false);
                    permit.release();
                }
            }));
            for (Future<?> each : running) {
                each.get(60, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(overlaps.get()).as("a shared holder seen inside the exclusive permit, or the reverse").isZero();
        assertThat(fastGrants.get()).as("shared permits taken on the fast path").isPositive();
        assertThat(gate.state()).containsExactly(0, 0, 0);
    }
}
