package dev.tursosync.internal.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;

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
}
