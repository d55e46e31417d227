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

class DetachedStepsTests {

    private static final Duration WAIT = Duration.ofSeconds(10);

    /**
     * The regression behind a lost push (CancellationIntegrationTests, under load): a pull's apply started and held
     * the database, its subscriber cancelled, and the push that took the next turn did not find the apply to wait
     * for, because the step was registered only after it had started. The push then paired the old pull
     * generation with the change log the apply rewrote, and skipped changes.
     */
    @Test
    void anOperationTakingItsTurnOnceTheStepHasStartedWaitsForIt() {
        DetachedSteps steps = new DetachedSteps();
        Sinks.One<String> finish = Sinks.one();
        AtomicReference<CompletableFuture<Void>> nextOperationsWait = new AtomicReference<>();
        Mono<String> step = Mono.defer(() -> {
            nextOperationsWait.set(steps.awaitLast().toFuture());
            return finish.asMono();
        });

        Disposable subscriber = steps.run(step).subscribe();
        subscriber.dispose();

        assertThat(nextOperationsWait.get()).as("the next operation's wait, taken when the step started").isNotDone();
        finish.tryEmitValue("applied");
        assertThat(nextOperationsWait.get()).isDone();
    }

    @Test
    void aCancelledSubscriberLeavesTheStepRunningToItsEnd() {
        DetachedSteps steps = new DetachedSteps();
        Sinks.One<String> finish = Sinks.one();
        AtomicReference<String> ended = new AtomicReference<>();

        steps.run(finish.asMono().doOnNext(ended::set)).subscribe().dispose();
        CompletableFuture<Void> next = steps.awaitLast().toFuture();

        assertThat(next).isNotDone();
        finish.tryEmitValue("written");
        assertThat(ended).hasValue("written");
        assertThat(next).isDone();
    }

    @Test
    void aFailedStepFailsItsSubscriberButNotTheNextOperation() {
        DetachedSteps steps = new DetachedSteps();

        StepVerifier.create(steps.run(Mono.error(new IllegalStateException("disk full"))))
                .expectErrorMessage("disk full").verify(WAIT);
        StepVerifier.create(steps.awaitLast()).expectComplete().verify(WAIT);
    }

    @Test
    void aStepsValueAndEmptinessReachItsSubscriber() {
        DetachedSteps steps = new DetachedSteps();

        StepVerifier.create(steps.run(Mono.just(7))).expectNext(7).expectComplete().verify(WAIT);
        StepVerifier.create(steps.run(Mono.empty())).expectComplete().verify(WAIT);
    }
}
