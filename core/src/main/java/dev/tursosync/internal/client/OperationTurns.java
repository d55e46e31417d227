package dev.tursosync.internal.client;

import dev.tursosync.internal.db.AccessGate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Mono;

/**
 * The client's operations (pull, push, checkpoint) take turns: one at a time, in subscription order, waiting as queued
 * subscribers rather than blocked threads. Inside a turn an operation may detach a step that must not stop half-way,
 * such as a pull's apply or a metadata write: the step runs to its end even if the operation's subscriber cancels
 * (cancelling only stops the wait for its result), and the next turn begins only once it has ended, so the next
 * operation never sees the pull generation or the change log of a state the step is about to replace.
 */
final class OperationTurns {

    private final AccessGate turn = new AccessGate();
    private final AtomicReference<Mono<Void>> lastDetached = new AtomicReference<>(Mono.empty());

    /**
     * Runs an operation in its turn: after the operations subscribed before it, and after every step they detached.
     *
     * @param operation the operation
     * @param <T>       its result type
     * @return the operation's result; cancelling it ends the turn, but not a step the operation detached
     */
    <T> Mono<T> run(Mono<T> operation) {
        return Mono.usingWhen(turn.exclusive(), permit -> detachedStepsEnded().then(operation),
                permit -> Mono.fromRunnable(permit::release));
    }

    /**
     * Starts a step of the current operation detached from its subscriber.
     *
     * @param step the step
     * @param <T>  its result type
     * @return the step's result; cancelling it leaves the step running
     */
    <T> Mono<T> detach(Mono<T> step) {
        return Mono.defer(() -> {
            CompletableFuture<T> running = new CompletableFuture<>();
            // registered before the step starts: the operation's subscriber may cancel as soon as the step holds the
            // database, and the next operation, which takes its turn at once, must find the step here and wait
            lastDetached.set(Mono.fromFuture(running, true).then().onErrorResume(error -> Mono.empty()));
            step.subscribe(running::complete, running::completeExceptionally, () -> running.complete(null));
            return Mono.fromFuture(running, true);
        });
    }

    /**
     * Completes when the step detached last has ended, whatever its outcome.
     *
     * @return the wait
     */
    Mono<Void> detachedStepsEnded() {
        return Mono.defer(lastDetached::get);
    }
}
