package dev.tursosync.internal.client;

import dev.tursosync.internal.db.AccessGate;
import reactor.core.publisher.Mono;

/**
 * Runs operations one at a time, in subscription order, without blocking threads: a second pull waits for the first
 * as a queued subscriber.
 */
final class SerialGate {

    private final AccessGate gate = new AccessGate();

    <T> Mono<T> run(Mono<T> operation) {
        return Mono.usingWhen(gate.exclusive(), permit -> operation, permit -> Mono.fromRunnable(permit::release));
    }
}
