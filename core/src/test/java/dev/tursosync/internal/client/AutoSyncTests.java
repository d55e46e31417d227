package dev.tursosync.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tursosync.AutoSyncOptions;
import dev.tursosync.ReplayFailedException;
import dev.tursosync.SyncClosedException;
import dev.tursosync.SyncState;
import dev.tursosync.SyncTransportException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * Background sync on virtual time, over scripted operations: debounced pushes, the pull interval, the backoff after
 * failures of any kind, pushes after a pull that left changes pending, a waiting pull that makes way for a push, and
 * the end when the client closes.
 */
class AutoSyncTests {

    private static final AutoSyncOptions OPTIONS = options().build();

    private static AutoSyncOptions.Builder options() {
        return AutoSyncOptions.builder()
                .pushDebounce(Duration.ofMillis(200))
                .pullInterval(Duration.ofSeconds(1))
                .firstBackoff(Duration.ofSeconds(2))
                .maxBackoff(Duration.ofSeconds(8))
                .jitter(0);
    }

    private final StatusTracker status = new StatusTracker();
    private final Sinks.Many<Boolean> commits = Sinks.many().multicast().directBestEffort();
    private final ScriptedClient client = new ScriptedClient();

    /** Operations that record when they ran and fail or wait as scripted. */
    private static final class ScriptedClient implements AutoSync.Operations {

        final List<Long> pulls = new CopyOnWriteArrayList<>();
        final List<Long> pushes = new CopyOnWriteArrayList<>();
        final List<Long> interruptedPulls = new CopyOnWriteArrayList<>();
        final Deque<RuntimeException> pullFailures = new ArrayDeque<>();
        final Deque<RuntimeException> pushFailures = new ArrayDeque<>();
        final AtomicLong pending = new AtomicLong();
        final Deque<Mono<AutoSync.PullOutcome>> scriptedPulls = new ArrayDeque<>();
        volatile boolean pullsWaitForever;
        volatile Duration pullTakes = Duration.ZERO;
        volatile Duration pushTakes = Duration.ZERO;
        volatile RuntimeException everything;

        @Override
        public synchronized Mono<AutoSync.PullOutcome> pull(Mono<?> interrupt) {
            return Mono.defer(() -> {
                pulls.add(now());
                if (everything != null) {
                    return Mono.error(everything);
                }
                RuntimeException failure = pullFailures.poll();
                if (failure != null) {
                    return Mono.error(failure);
                }
                Mono<AutoSync.PullOutcome> scripted = scriptedPulls.poll();
                if (scripted != null) {
                    return scripted;
                }
                if (pullsWaitForever) {
                    return Mono.never().takeUntilOther(interrupt)
                            .then(Mono.fromRunnable(() -> interruptedPulls.add(now())))
                            .thenReturn(AutoSync.PullOutcome.INTERRUPTED);
                }
                if (!pullTakes.isZero()) {
                    return Mono.delay(pullTakes).thenReturn(AutoSync.PullOutcome.CHANGED).takeUntilOther(interrupt)
                            .switchIfEmpty(Mono.fromRunnable(() -> interruptedPulls.add(now()))
                                    .thenReturn(AutoSync.PullOutcome.INTERRUPTED));
                }
                return Mono.just(AutoSync.PullOutcome.UNCHANGED);
            });
        }

        @Override
        public Mono<Void> push() {
            return Mono.defer(() -> {
                pushes.add(now());
                if (everything != null) {
                    return Mono.error(everything);
                }
                RuntimeException failure = pushFailures.poll();
                if (failure != null) {
                    return Mono.error(failure);
                }
                pending.set(0);
                return pushTakes.isZero() ? Mono.<Void>empty() : Mono.delay(pushTakes).then();
            });
        }

        @Override
        public Mono<Long> pendingChanges() {
            return Mono.fromSupplier(pending::get);
        }

        @Override
        public void checkpointIfLarge() {
        }
    }

    private static long now() {
        return Schedulers.parallel().now(TimeUnit.MILLISECONDS);
    }

    private AutoSync autoSync(AutoSyncOptions options) {
        return autoSync(options, Duration.ZERO);
    }

    private AutoSync autoSync(AutoSyncOptions options, Duration longPoll) {
        return new AutoSync(client, options, longPoll, commits.asFlux(), status,
                new Backoff(options.firstBackoff(), options.maxBackoff(), options.jitter(), () -> 0.5));
    }

    private static long[] relative(List<Long> times, long start) {
        return times.stream().mapToLong(time -> time - start).toArray();
    }

    @Test
    void pullsOncePerIntervalWhenTheServerAnswersAtOnce() {
        AutoSyncOptions pullOnly = AutoSyncOptions.builder().pullInterval(Duration.ofSeconds(1)).push(false).build();
        StepVerifier.withVirtualTime(() -> autoSync(pullOnly).run())
                .expectSubscription()
                .thenAwait(Duration.ofMillis(3500))
                .thenCancel()
                .verify();
        assertThat(relative(client.pulls, 0)).containsExactly(0, 1000, 2000, 3000);
        assertThat(client.pushes).isEmpty();
    }

    @Test
    void withLongPollAServerThatAnswersAtOnceIsStillPulledOncePerInterval() {
        AutoSyncOptions pullOnly = AutoSyncOptions.builder().pullInterval(Duration.ofSeconds(1)).push(false).build();
        StepVerifier.withVirtualTime(() -> autoSync(pullOnly, Duration.ofSeconds(30)).run())
                .expectSubscription()
                .thenAwait(Duration.ofMillis(3500))
                .thenCancel()
                .verify();
        assertThat(relative(client.pulls, 0)).containsExactly(0, 1000, 2000, 3000);
    }

    @Test
    void withLongPollTheNextPullStartsAtOnceAfterAHeldOrChangedPull() {
        AutoSyncOptions pullOnly = AutoSyncOptions.builder().pullInterval(Duration.ofSeconds(60)).push(false).build();
        Duration longPoll = Duration.ofSeconds(30);
        // held for the whole long poll; woken by a change after 5 s; answered at once with changes; then at once
        // with nothing (a server that does not hold): the loop waits for the rest of the interval
        // deferred: the delays must be made under virtual time
        client.scriptedPulls.add(Mono.defer(() -> Mono.delay(longPoll).thenReturn(AutoSync.PullOutcome.UNCHANGED)));
        client.scriptedPulls.add(Mono.defer(() -> Mono.delay(Duration.ofSeconds(5))
                .thenReturn(AutoSync.PullOutcome.CHANGED)));
        client.scriptedPulls.add(Mono.just(AutoSync.PullOutcome.CHANGED));
        StepVerifier.withVirtualTime(() -> autoSync(pullOnly, longPoll).run())
                .expectSubscription()
                .thenAwait(Duration.ofSeconds(100))
                .thenCancel()
                .verify();
        assertThat(relative(client.pulls, 0)).containsExactly(0, 30_000, 35_000, 35_000, 95_000);
    }

    @Test
    void aBurstOfCommitsGivesOnePushOneDebounceAfterItsFirstCommit() {
        StepVerifier.withVirtualTime(() -> autoSync(options().pull(false).build()).run())
                .expectSubscription()
                .then(() -> commitsAt(1000, 1100, 1150))
                .thenAwait(Duration.ofMillis(1199))
                .then(() -> assertThat(relative(client.pushes, 0)).as("the first push only").containsExactly(0))
                .thenAwait(Duration.ofMillis(1))
                .then(() -> assertThat(relative(client.pushes, 0)).containsExactly(0, 1200))
                .thenAwait(Duration.ofSeconds(5))
                .thenCancel()
                .verify();
        assertThat(client.pushes).as("the commits inside the window joined its push").hasSize(2);
    }

    /** Local commits at virtual times, scheduled on the virtual clock itself. */
    /** {@code count} commits, each leaving a change pending, the first at {@code firstMillis}, then every period. */
    private void steadyCommits(long firstMillis, long everyMillis, int count) {
        Mono.delay(Duration.ofMillis(firstMillis))
                .thenMany(reactor.core.publisher.Flux.interval(Duration.ZERO, Duration.ofMillis(everyMillis))
                        .take(count))
                .subscribe(tick -> {
                    client.pending.incrementAndGet();
                    commits.tryEmitNext(true);
                });
    }

    private void commitsAt(long... millis) {
        for (long at : millis) {
            Mono.delay(Duration.ofMillis(at)).subscribe(tick -> commits.tryEmitNext(true));
        }
    }

    @Test
    void startsWithAPushOfWhatIsPending() {
        StepVerifier.withVirtualTime(() -> autoSync(OPTIONS).run())
                .expectSubscription()
                .thenAwait(Duration.ofMillis(200))
                .thenCancel()
                .verify();
        assertThat(relative(client.pushes, 0)).containsExactly(0);
    }

    @Test
    void aSteadyStreamOfCommitsIsPushedOncePerDebounce() {
        StepVerifier.withVirtualTime(() -> autoSync(options().pull(false).build()).run())
                .expectSubscription()
                .then(() -> steadyCommits(10, 150, 50))
                .thenAwait(Duration.ofMillis(8000))
                .thenCancel()
                .verify();
        // commits at 10, 160, 310, ...: the one at 10 opens a window to 210 that the one at 160 joins, and so on; a
        // plain debounce (a push only after a quiet spell) would not push before the stream ends at 7360
        long[] windowEnds = java.util.stream.LongStream.iterate(210, end -> end <= 7410, end -> end + 300).toArray();
        assertThat(relative(client.pushes, 0)).startsWith(0).endsWith(windowEnds).hasSize(1 + windowEnds.length);
    }

    @Test
    void backsOffAfterFailuresOfAnyKindThenReturnsToTheInterval() {
        client.pullFailures.add(new SyncTransportException("connection refused", null));
        client.pullFailures.add(new ReplayFailedException(3, "t", "INSERT", "9", "no such table: t", null));
        client.pullFailures.add(new SyncTransportException("reset", null));
        AutoSyncOptions pullOnly = options().push(false).build();
        StepVerifier.withVirtualTime(() -> autoSync(pullOnly).run())
                .expectSubscription()
                .then(() -> {
                    assertThat(status.current().state()).isEqualTo(SyncState.BACKING_OFF);
                    assertThat(status.current().error()).get().isInstanceOf(SyncTransportException.class);
                    assertThat(status.current().nextAttempt()).isPresent();
                })
                .thenAwait(Duration.ofSeconds(16))
                .thenCancel()
                .verify();
        // failures at 0, 2 and 6 s (2 s, 4 s, 8 s waits), success at 14 s, then once per second
        assertThat(relative(client.pulls, 0)).containsExactly(0, 2000, 6000, 14000, 15000, 16000);
    }

    @Test
    void aPullThatLeavesChangesPendingAsksForAPush() {
        AutoSyncOptions options = OPTIONS;
        StepVerifier.withVirtualTime(() -> autoSync(options).run())
                .expectSubscription()
                .thenAwait(Duration.ofMillis(500))
                .then(() -> {
                    client.pushes.clear();
                    client.pending.set(3);
                })
                .thenAwait(Duration.ofMillis(500))
                .then(() -> assertThat(relative(client.pushes, 0)).containsExactly(1000))
                .thenAwait(Duration.ofSeconds(3))
                .thenCancel()
                .verify();
        assertThat(client.pushes).hasSize(1);
    }

    @Test
    void aPullWaitingForTheServerMakesWayForAPush() {
        client.pullsWaitForever = true;
        StepVerifier.withVirtualTime(() -> autoSync(OPTIONS, Duration.ofSeconds(30)).run())
                .expectSubscription()
                .then(() -> commitsAt(2000))
                .thenAwait(Duration.ofMillis(2199))
                .then(() -> {
                    // the first push, due at once, interrupted the first pull, which started again once the push
                    // ended (not a pull interval later: it never got its answer) and waits on
                    assertThat(relative(client.interruptedPulls, 0)).containsExactly(0);
                    assertThat(relative(client.pushes, 0)).containsExactly(0);
                    assertThat(relative(client.pulls, 0)).containsExactly(0, 0);
                })
                .thenAwait(Duration.ofMillis(1))
                .then(() -> {
                    assertThat(relative(client.interruptedPulls, 0)).containsExactly(0, 2200);
                    assertThat(relative(client.pushes, 0)).containsExactly(0, 2200);
                    assertThat(relative(client.pulls, 0)).containsExactly(0, 0, 2200);
                })
                .thenCancel()
                .verify();
    }

    @Test
    void withoutLongPollAPullIsNeverInterruptedAndAPushOwedAllTheTimeDoesNotStarveIt() {
        // the server answers at once, but each pull and each push takes 300 ms, and a commit every 100 ms keeps a push
        // owed at all times: cancelling a pull would only throw the reply away, and waiting for no push to be owed
        // would never pull again
        client.pullTakes = Duration.ofMillis(300);
        client.pushTakes = Duration.ofMillis(300);
        StepVerifier.withVirtualTime(() -> autoSync(OPTIONS).run())
                .expectSubscription()
                .then(() -> steadyCommits(0, 100, 100))
                .thenAwait(Duration.ofSeconds(10))
                .thenCancel()
                .verify();
        assertThat(client.interruptedPulls).isEmpty();
        // one pull per interval (each 300 ms, then the rest of the second), the last at the end of the 10 s
        assertThat(relative(client.pulls, 0)).containsExactly(0, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000,
                10000);
        assertThat(client.pushes).hasSizeGreaterThan(15);
    }

    @Test
    void withLongPollAPullThatMadeWayForAPushStartsAgainOnlyOnceThePushEnded() {
        // a held pull started while a push is owed would queue the push behind the long poll
        client.pullsWaitForever = true;
        client.pushTakes = Duration.ofSeconds(2);
        AutoSyncOptions slowPulls = options().pullInterval(Duration.ofSeconds(60)).build();
        StepVerifier.withVirtualTime(() -> autoSync(slowPulls, Duration.ofSeconds(30)).run())
                .expectSubscription()
                .then(() -> commitsAt(5000))
                .thenAwait(Duration.ofSeconds(10))
                .then(() -> {
                    assertThat(relative(client.pushes, 0)).containsExactly(0, 5200);
                    assertThat(relative(client.interruptedPulls, 0)).containsExactly(0, 5200);
                    assertThat(relative(client.pulls, 0)).containsExactly(0, 2000, 7200);
                })
                .thenCancel()
                .verify();
    }

    @Test
    void pushFailuresBackOffAndTheChangesArePushedOnceTheServerIsBack() {
        client.pushFailures.add(new SyncTransportException("connection refused", null));
        client.pushFailures.add(new SyncTransportException("connection refused", null));
        AutoSyncOptions pushOnly = options().pull(false).build();
        StepVerifier.withVirtualTime(() -> autoSync(pushOnly).run())
                .expectSubscription()
                .thenAwait(Duration.ofSeconds(10))
                .thenCancel()
                .verify();
        // the first push at once, then waits of 2 s and 4 s
        assertThat(relative(client.pushes, 0)).containsExactly(0, 2000, 6000);
    }

    @Test
    void endsWhenTheClientCloses() {
        StepVerifier.withVirtualTime(() -> autoSync(OPTIONS).run())
                .expectSubscription()
                .thenAwait(Duration.ofMillis(1500))
                .then(() -> client.everything = new SyncClosedException("the sync client is closed"))
                .thenAwait(Duration.ofSeconds(2))
                .verifyComplete();
    }

    @Test
    void virtualTimeIsRestored() {
        assertThat(VirtualTimeScheduler.isFactoryEnabled()).isFalse();
    }
}
