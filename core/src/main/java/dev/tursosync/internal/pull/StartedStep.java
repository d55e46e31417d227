package dev.tursosync.internal.pull;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * A blocking step of a pull that the apply starts as soon as it can, on another thread, and hands back under way:
 * over no pending change, the force of the WAL transaction, which runs while the events are still decoded and which
 * the metadata must not record the pull before, and the window's connections made ready for the pool, which need
 * neither the events nor the metadata. Whoever depends on the step waits for {@link #ended()}; nothing cancels it.
 */
public final class StartedStep {

    /** A step that has nothing left to do (a transaction that is durable already). */
    public static final StartedStep DONE = new StartedStep(CompletableFuture.completedFuture(null));

    private final CompletableFuture<Void> ended;

    private StartedStep(CompletableFuture<Void> ended) {
        this.ended = ended;
    }

    /**
     * Starts a step.
     *
     * @param step the blocking step
     * @param on   the scheduler it runs on
     * @return the step under way
     */
    static StartedStep start(Callable<?> step, Scheduler on) {
        CompletableFuture<Void> ended = new CompletableFuture<>();
        Mono.fromCallable(step).subscribeOn(on)
                .subscribe(ignored -> { }, ended::completeExceptionally, () -> ended.complete(null));
        return new StartedStep(ended);
    }

    /**
     * Completes once the step has ended, or fails with its error; cancelling it leaves the step running.
     *
     * @return the step's end
     */
    public Mono<Void> ended() {
        return Mono.fromFuture(ended, true);
    }

    /**
     * Whether the step had nothing left to do when it was handed back.
     *
     * @return whether it is {@link #DONE}
     */
    public boolean doneAlready() {
        return this == DONE;
    }
}
