package dev.tursosync.examples.todo;

import static dev.tursosync.examples.todo.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tursosync.PushResult;
import dev.tursosync.SyncResult;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** The background sync's schedule and bookkeeping, with a stand-in for {@code client.sync()}. */
final class BackgroundSyncTests {

    private static final Duration INTERVAL = Duration.ofMillis(20);
    private static final SyncResult THREE_PUSHED =
            new SyncResult(new PushResult(3, 1, 100, Duration.ZERO), List.of());

    @Test
    void aFailedSyncIsRecordedAndTheNextTickTriesAgain() {
        AtomicBoolean remoteUp = new AtomicBoolean();
        BackgroundSync background = new BackgroundSync(() -> remoteUp.get()
                ? Mono.just(THREE_PUSHED)
                : Mono.error(new IllegalStateException("remote unreachable")), INTERVAL);
        background.start();
        try {
            eventually(() -> assertThat(background.lastOutcome()).hasValueSatisfying(outcome -> {
                assertThat(outcome.succeeded()).isFalse();
                assertThat(outcome.error()).contains("remote unreachable");
            }));

            remoteUp.set(true);

            eventually(() -> assertThat(background.lastOutcome()).hasValueSatisfying(outcome -> {
                assertThat(outcome.succeeded()).isTrue();
                assertThat(outcome.changesPushed()).isEqualTo(3);
                assertThat(outcome.error()).isNull();
            }));
        } finally {
            background.stop();
        }
    }

    @Test
    void ticksDuringARunningSyncAreDropped() throws InterruptedException {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        AtomicInteger syncs = new AtomicInteger();
        BackgroundSync background = new BackgroundSync(() -> Mono.fromRunnable(() -> {
                    syncs.incrementAndGet();
                    mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
                })
                .then(Mono.delay(INTERVAL.multipliedBy(5)))
                .then(Mono.fromRunnable(running::decrementAndGet))
                .thenReturn(THREE_PUSHED), INTERVAL);

        background.start();
        Thread.sleep(INTERVAL.multipliedBy(30).toMillis());
        background.stop();

        assertThat(mostAtOnce.get()).as("syncs running at once").isEqualTo(1);
        assertThat(syncs.get()).as("syncs in 30 intervals, each lasting 5").isBetween(2, 8);
    }

    @Test
    void stopEndsTheTicks() throws InterruptedException {
        AtomicInteger syncs = new AtomicInteger();
        BackgroundSync background = new BackgroundSync(
                () -> Mono.fromSupplier(() -> syncs.incrementAndGet()).thenReturn(THREE_PUSHED), INTERVAL);
        assertThat(background.isRunning()).isFalse();
        assertThat(background.lastOutcome()).isEmpty();

        background.start();
        assertThat(background.isRunning()).isTrue();
        eventually(() -> assertThat(syncs.get()).isGreaterThanOrEqualTo(2));
        background.stop();
        int afterStop = syncs.get();
        Thread.sleep(INTERVAL.multipliedBy(10).toMillis());

        assertThat(background.isRunning()).isFalse();
        assertThat(syncs.get()).isEqualTo(afterStop);
    }
}
