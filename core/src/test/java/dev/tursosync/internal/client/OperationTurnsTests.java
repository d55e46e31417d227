package dev.tursosync.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

class OperationTurnsTests {

    private static final Duration WAIT = Duration.ofSeconds(10);

    /**
     * The regression behind a lost push (CancellationIntegrationTests, under load): a pull's apply started and held
     * the database, its subscriber cancelled, and the push that took the next turn did not find the apply to wait
     * for, because the step was registered only after it had started. The push then paired the old pull
     * generation with the change log the apply rewrote, and skipped changes.
     */
    @Test
    void anOperationTakingItsTurnOnceTheStepHasStartedWaitsForIt() {
        OperationTurns steps = new OperationTurns();
        Sinks.One<String> finish = Sinks.one();
        AtomicReference<CompletableFuture<Void>> nextOperationsWait = new AtomicReference<>();
        Mono<String> step = Mono.defer(() -> {
            nextOperationsWait.set(steps.detachedStepsEnded().toFuture());
            return finish.asMono();
        });

        Disposable subscriber = steps.detach(step).subscribe();
        subscriber.dispose();

        assertThat(nextOperationsWait.get()).as("the next operation's wait, taken when the step started").isNotDone();
        finish.tryEmitValue("applied");
        assertThat(nextOperationsWait.get()).isDone();
    }

    @Test
    void aCancelledSubscriberLeavesTheStepRunningToItsEnd() {
        OperationTurns steps = new OperationTurns();
        Sinks.One<String> finish = Sinks.one();
        AtomicReference<String> ended = new AtomicReference<>();

        steps.detach(finish.asMono().doOnNext(ended::set)).subscribe().dispose();
        CompletableFuture<Void> next = steps.detachedStepsEnded().toFuture();

        assertThat(next).isNotDone();
        finish.tryEmitValue("written");
        assertThat(ended).hasValue("written");
        assertThat(next).isDone();
    }

    @Test
    void aFailedStepFailsItsSubscriberButNotTheNextOperation() {
        OperationTurns steps = new OperationTurns();

        StepVerifier.create(steps.detach(Mono.error(new IllegalStateException("disk full"))))
                .expectErrorMessage("disk full").verify(WAIT);
        StepVerifier.create(steps.detachedStepsEnded()).expectComplete().verify(WAIT);
    }

    @Test
    void aStepsValueAndEmptinessReachItsSubscriber() {
        OperationTurns steps = new OperationTurns();

        StepVerifier.create(steps.detach(Mono.just(7))).expectNext(7).expectComplete().verify(WAIT);
        StepVerifier.create(steps.detach(Mono.empty())).expectComplete().verify(WAIT);
    }

    @Test
    void theNextTurnBeginsOnlyAfterTheStepACancelledOperationDetached() {
        OperationTurns turns = new OperationTurns();
        Sinks.One<String> finish = Sinks.one();
        turns.run(turns.detach(finish.asMono())).subscribe().dispose();

        CompletableFuture<String> next = turns.run(Mono.just("next")).toFuture();
        assertThat(next).as("waits for the detached step").isNotDone();
        finish.tryEmitValue("applied");
        assertThat(next).isCompletedWithValue("next");
    }

    @Test
    void turnsRunOneAtATimeInSubscriptionOrder() {
        OperationTurns turns = new OperationTurns();
        Sinks.One<String> first = Sinks.one();
        CompletableFuture<String> running = turns.run(first.asMono()).toFuture();
        CompletableFuture<String> second = turns.run(Mono.just("second")).toFuture();

        assertThat(second).isNotDone();
        first.tryEmitValue("first");
        assertThat(running).isCompletedWithValue("first");
        assertThat(second).isCompletedWithValue("second");
    }
}
