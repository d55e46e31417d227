package dev.tursosync.examples.todo;

import static dev.tursosync.examples.todo.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tursosync.PushResult;
import dev.tursosync.SyncResult;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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
    void ticksDuringARunningSyncAreDroppedNotQueued() {
        Duration interval = Duration.ofMillis(50);
        Duration slow = interval.multipliedBy(10);
        List<Long> starts = new CopyOnWriteArrayList<>();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        BackgroundSync background = new BackgroundSync(() -> Mono.defer(() -> {
            starts.add(System.nanoTime());
            mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
            Mono<Long> work = starts.size() == 1 ? Mono.delay(slow) : Mono.just(0L);   // only the first is slow
            return work.doOnTerminate(running::decrementAndGet).thenReturn(THREE_PUSHED);
        }), interval);

        background.start();
        eventually(() -> assertThat(starts).hasSizeGreaterThanOrEqualTo(4));
        background.stop();

        long firstEnds = starts.get(0) + slow.toNanos();
        long startedRightAfter = starts.stream()
                .filter(start -> start >= firstEnds && start < firstEnds + interval.toNanos() / 2).count();
        assertThat(mostAtOnce.get()).as("syncs running at once").isEqualTo(1);
        assertThat(startedRightAfter).as("syncs started within half an interval after the slow one: the ticks "
                + "that came meanwhile were dropped, not queued").isLessThanOrEqualTo(1);
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
