package dev.tursosync.internal.client;

import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The pushes background sync owes: each push due gets a number, and a push attempt that ends (done or failed) covers
 * every number up to the one it started for. The pull loop waits until no push is owed before it starts a pull, so a
 * pull that a long poll may hold never takes the client ahead of a push that is due.
 */
final class DuePushes {

    private final AtomicLong due = new AtomicLong();
    private final Sinks.Many<Long> covered = Sinks.many().replay().latest();
    private long coveredUpTo;

    DuePushes() {
        covered.tryEmitNext(0L);
    }

    /** A push is due; returns its number. */
    long markDue() {
        return due.incrementAndGet();
    }

    /** How many pushes were due so far. */
    long dueCount() {
        return due.get();
    }

    /** A push attempt started for push {@code number} ended. */
    synchronized void attemptEnded(long number) {
        if (number > coveredUpTo) {
            coveredUpTo = number;
            covered.tryEmitNext(number);
        }
    }

    /** Completes once every push due so far has had an attempt that ended. */
    Mono<Void> noneOwed() {
        return covered.asFlux().filter(upTo -> upTo >= due.get()).next().then();
    }
}
