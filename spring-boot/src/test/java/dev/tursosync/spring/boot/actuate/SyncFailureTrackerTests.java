package dev.tursosync.spring.boot.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tursosync.SyncAuthenticationException;
import dev.tursosync.SyncState;
import dev.tursosync.SyncStatus;
import dev.tursosync.SyncTransportException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** When sync counts as healthy, on a clock the test moves. */
final class SyncFailureTrackerTests {

    private static final Instant T0 = Instant.parse("2026-12-06T00:00:00Z");

    private final MovableClock clock = new MovableClock();
    private final SyncFailureTracker tracker = new SyncFailureTracker(Duration.ofMinutes(1), clock);

    @Test
    void healthyBeforeAnyStatusAndWhileOperationsSucceed() {
        assertThat(tracker.healthy()).isTrue();
        tracker.update(new SyncStatus(SyncState.IDLE, null, null, T0, T0));
        assertThat(tracker.healthy()).isTrue();
        assertThat(tracker.failingSince()).isEmpty();
    }

    @Test
    void aTransientFailureTurnsUnhealthyOnlyAfterTheMaximumDurationAndASuccessHeals() {
        SyncTransportException refused = new SyncTransportException("connection refused", null);
        tracker.update(new SyncStatus(SyncState.BACKING_OFF, refused, T0.plusSeconds(1), T0, null));
        clock.now = T0.plusSeconds(59);
        tracker.update(new SyncStatus(SyncState.PULLING, refused, null, T0, null));
        assertThat(tracker.healthy()).as("59 s of failures").isTrue();
        assertThat(tracker.failingSince()).contains(T0);

        clock.now = T0.plusSeconds(61);
        assertThat(tracker.healthy()).as("61 s of failures").isFalse();

        tracker.update(new SyncStatus(SyncState.IDLE, null, null, clock.now, null));
        assertThat(tracker.healthy()).isTrue();
        assertThat(tracker.failingSince()).isEmpty();
    }

    @Test
    void aPermanentErrorIsUnhealthyAtOnce() {
        tracker.update(new SyncStatus(SyncState.BACKING_OFF, new SyncAuthenticationException(401, "bad token"),
                T0.plusSeconds(1), null, null));
        assertThat(tracker.healthy()).isFalse();
    }

    @Test
    void aClosedClientIsUnhealthy() {
        tracker.update(new SyncStatus(SyncState.CLOSED, null, null, T0, T0));
        assertThat(tracker.healthy()).isFalse();
    }

    private static final class MovableClock extends Clock {

        Instant now = T0;

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
