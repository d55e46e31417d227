package dev.tursosync.internal.client;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Mono;

/**
 * Steps that must not stop half-way, such as a pull's apply or a metadata write: each runs to its end even if its
 * subscriber cancels (cancelling only stops the wait for its result), and the next operation waits for the last one
 * before it starts, so it never sees the pull generation or the change log of a state the step is about to replace.
 */
final class DetachedSteps {

    private final AtomicReference<Mono<Void>> last = new AtomicReference<>(Mono.empty());

    /**
     * Waits for the step started last, whatever its outcome.
     *
     * @return completes when that step has ended
     */
    Mono<Void> awaitLast() {
        return Mono.defer(last::get);
    }

    /**
     * Starts a step detached from its subscriber.
     *
     * @param step the step
     * @param <T>  its result type
     * @return the step's result; cancelling it leaves the step running
     */
    <T> Mono<T> run(Mono<T> step) {
        return Mono.defer(() -> {
            CompletableFuture<T> running = new CompletableFuture<>();
            // registered before the step starts: the operation's subscriber may cancel as soon as the step holds the
            // database, and the next operation, which takes its turn at once, must find the step here and wait
            last.set(Mono.fromFuture(running, true).then().onErrorResume(error -> Mono.empty()));
            step.subscribe(running::complete, running::completeExceptionally, () -> running.complete(null));
            return Mono.fromFuture(running, true);
        });
    }
}
