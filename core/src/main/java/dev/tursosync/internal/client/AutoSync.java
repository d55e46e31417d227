package dev.tursosync.internal.client;

import dev.tursosync.AutoSyncOptions;
import dev.tursosync.SyncClosedException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

/**
 * Background sync: a push loop driven by local commits and a pull loop that runs one pull after the other, each
 * waiting for what is left of the pull interval (except after a pull that made way for a push: it starts again once
 * the push ended). A commit makes a push due one push debounce later; commits in
 * between join that push, so a steady stream of commits is pushed once per debounce. With long poll, the next pull
 * starts at once after a pull that the server held (so a long poll is always waiting on the server), brought changes
 * or made way for a push; only a pull the server answered early without changes (a server without long poll) waits
 * for the interval, so the loop never spins. Failed operations are tried again after a backoff, whatever the error,
 * until the client closes. Timers run on Reactor's parallel scheduler, so tests can use virtual time.
 */
final class AutoSync {

    private static final Logger LOG = LoggerFactory.getLogger(AutoSync.class);

    /** The client operations background sync drives. */
    interface Operations {

        /**
         * Pulls; the pull stops without applying anything if {@code interrupt} signals while it waits for the server.
         *
         * @param interrupt signals when a push is due
         * @return how the pull ended
         */
        Mono<PullOutcome> pull(Mono<?> interrupt);

        /**
         * Pushes the pending changes.
         *
         * @return completes when pushed
         */
        Mono<Void> push();

        /**
         * How many local changes wait for a push.
         *
         * @return the count
         */
        Mono<Long> pendingChanges();

        /** Starts a checkpoint in the background if the WAL is large. */
        void checkpointIfLarge();
    }

    /** How a pull ended. */
    enum PullOutcome {
        /** It applied changes. */
        CHANGED,
        /** The server had nothing new. */
        UNCHANGED,
        /** It made way for a push. */
        INTERRUPTED
    }

    private final Operations client;
    private final AutoSyncOptions options;
    private final Duration longPoll;
    private final Flux<?> localCommits;
    private final StatusTracker status;
    private final Backoff backoff;

    AutoSync(Operations client, AutoSyncOptions options, Duration longPoll, Flux<?> localCommits,
             StatusTracker status, Backoff backoff) {
        this.client = client;
        this.options = options;
        this.longPoll = longPoll;
        this.localCommits = localCommits;
        this.status = status;
        this.backoff = backoff;
    }

    /**
     * The loops, as one publisher: subscribing starts them, cancelling stops them, and it completes when the client
     * closes.
     *
     * @return the running background sync
     */
    Mono<Void> run() {
        return Mono.defer(() -> {
            Sinks.Many<Boolean> pushRequests = Sinks.many().multicast().onBackpressureBuffer();
            // a commit opens a window of pushDebounce unless one is open; commits inside it join it, and its end
            // makes a push due: a steady stream of commits is pushed once per window, never held back by itself
            DuePushes duePushes = new DuePushes();
            Flux<Object> windowsClosed = localCommits.onBackpressureDrop()
                    .concatMap(commit -> Mono.delay(options.pushDebounce()).<Object>thenReturn(commit), 0);
            Flux<Long> pushDue = Flux.merge(windowsClosed, pushRequests.asFlux())
                    .map(due -> duePushes.markDue())
                    .share();
            Mono<Void> pushes = options.push()
                    ? pushDue.onBackpressureLatest().concatMap(number -> pushOnce(number, duePushes), 1).then()
                    : Mono.empty();
            Mono<Void> pulls = options.pull()
                    ? pullLoop(options.push() ? pushDue : Flux.never(), duePushes, pushRequests)
                    : Mono.empty();
            Mono<Void> firstPush = options.push()
                    ? Mono.fromRunnable(() -> pushRequests.tryEmitNext(Boolean.TRUE))
                    : Mono.empty();
            return Mono.when(pushes, pulls, firstPush)
                    .onErrorResume(SyncClosedException.class, closed -> {
                        LOG.debug("background sync stops: the client closed");
                        return Mono.empty();
                    });
        });
    }

    private Mono<Void> pushOnce(long number, DuePushes duePushes) {
        return Mono.defer(client::push)
                .doFinally(signal -> duePushes.attemptEnded(number))
                .retryWhen(untilClosed("push"))
                .doOnSuccess(done -> client.checkpointIfLarge());
    }

    /**
     * Pulls one after the other. With a long poll, a pull starts only when no push is owed, and a push that becomes
     * due while it waits for the server interrupts it, also one that became due between its start and its request:
     * the push is never queued behind a held long poll. Without one the server answers at once, so a pull is never
     * interrupted and takes its turn between pushes: cancelling it would only throw away the reply the server is
     * computing (a single-threaded server computes it all the same), and under a steady stream of commits pulls
     * would starve.
     */
    private Mono<Void> pullLoop(Flux<Long> pushDue, DuePushes duePushes, Sinks.Many<Boolean> pushRequests) {
        AtomicLong started = new AtomicLong();
        AtomicReference<PullOutcome> outcome = new AtomicReference<>(PullOutcome.UNCHANGED);
        Mono<Void> pullOnce = (longPoll.isZero() ? Mono.<Void>empty() : duePushes.noneOwed()).then(Mono.defer(() -> {
            started.set(now());
            if (longPoll.isZero()) {
                return client.pull(Mono.never());
            }
            long dueAtStart = duePushes.dueCount();
            Mono<Object> interrupt = Flux.<Object>merge(pushDue.take(1),
                            Mono.fromSupplier(() -> duePushes.dueCount() > dueAtStart).filter(Boolean::booleanValue))
                    .next();
            return client.pull(interrupt);
        })).doOnNext(outcome::set).then();
        return pullOnce
                .retryWhen(untilClosed("pull"))
                .then(Mono.defer(client::pendingChanges))
                .doOnNext(pending -> {
                    client.checkpointIfLarge();
                    if (pending > 0 && options.push()) {
                        pushRequests.tryEmitNext(Boolean.TRUE);
                    }
                })
                .then(Mono.defer(() -> Mono.delay(Duration.ofMillis(waitMillis(outcome.get(), now() - started.get())))))
                .repeat()
                .then();
    }

    /** How long the pull loop waits before the next pull. */
    private long waitMillis(PullOutcome outcome, long elapsedMillis) {
        if (outcome == PullOutcome.INTERRUPTED) {
            return 0; // it starts again once the push it made way for has ended (the loop waits for that)
        }
        long rest = Math.max(0, options.pullInterval().toMillis() - elapsedMillis);
        if (longPoll.isZero()) {
            return rest;
        }
        boolean answeredEarlyWithNothing = outcome == PullOutcome.UNCHANGED && elapsedMillis < longPoll.toMillis();
        return answeredEarlyWithNothing ? rest : 0;
    }

    /** Tries again after a growing wait, whatever the error, until the client is closed. */
    private Retry untilClosed(String operation) {
        return Retry.from(signals -> signals.concatMap(signal -> {
            Throwable error = signal.failure();
            if (error instanceof SyncClosedException) {
                return Mono.error(error);
            }
            Duration delay = backoff.delay(signal.totalRetries() + 1);
            status.backingOff(error, Instant.now().plus(delay));
            LOG.warn("background {} failed ({}); trying again in {} ms", operation, error.toString(),
                    delay.toMillis());
            return Mono.delay(delay);
        }));
    }

    private static long now() {
        return Schedulers.parallel().now(TimeUnit.MILLISECONDS);
    }
}
