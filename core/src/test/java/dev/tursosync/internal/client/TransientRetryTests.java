package dev.tursosync.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tursosync.PushRejectedException;
import dev.tursosync.RetryOptions;
import dev.tursosync.SyncServerException;
import dev.tursosync.SyncState;
import dev.tursosync.SyncStatus;
import dev.tursosync.SyncTransportException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/**
 * The retry of client operations, on virtual time: when each attempt starts, which errors are retried, and what the
 * status stream says meanwhile.
 */
class TransientRetryTests {

    private static final RetryOptions THREE = RetryOptions.builder().maxRetries(3).firstBackoff(Duration.ofMillis(100))
            .maxBackoff(Duration.ofMillis(300)).jitter(0).build();

    private final StatusTracker status = new StatusTracker();
    private final List<Long> attempts = new CopyOnWriteArrayList<>();

    /** An operation that records the virtual time of each attempt and fails the first {@code failures}. */
    private Mono<String> operation(int failures, RuntimeException error) {
        return Mono.defer(() -> {
            attempts.add(Schedulers.parallel().now(TimeUnit.MILLISECONDS));
            return attempts.size() <= failures ? Mono.error(error) : Mono.just("done");
        });
    }

    private static SyncServerException unavailable() {
        return new SyncServerException("POST /pull-updates", 503, "");
    }

    @Test
    void retriesTransientFailuresAfterDoublingDelays() {
        TransientRetry retry = new TransientRetry(THREE, status);
        StepVerifier.withVirtualTime(() -> operation(3, unavailable()).retryWhen(retry.forOperation("pull")))
                .expectSubscription()
                .thenAwait(Duration.ofMillis(99))
                .then(() -> assertThat(attempts).hasSize(1))
                .thenAwait(Duration.ofMillis(1))
                .then(() -> assertThat(attempts).hasSize(2))
                .thenAwait(Duration.ofMillis(200))
                .then(() -> assertThat(attempts).hasSize(3))
                .thenAwait(Duration.ofMillis(299))
                .then(() -> assertThat(attempts).hasSize(3))
                .thenAwait(Duration.ofMillis(1))
                .expectNext("done")
                .verifyComplete();
        long start = attempts.get(0);
        assertThat(attempts).extracting(time -> time - start).containsExactly(0L, 100L, 300L, 600L);
    }

    @Test
    void givesUpAfterMaxRetriesWithTheLastError() {
        TransientRetry retry = new TransientRetry(THREE, status);
        StepVerifier.withVirtualTime(() -> operation(10, unavailable()).retryWhen(retry.forOperation("push")))
                .expectSubscription()
                .thenAwait(Duration.ofSeconds(5))
                .expectError(SyncServerException.class)
                .verify(Duration.ofSeconds(5));
        assertThat(attempts).hasSize(4);
    }

    @Test
    void doesNotRetryErrorsCausedByData() {
        TransientRetry retry = new TransientRetry(THREE, status);
        StepVerifier.withVirtualTime(() -> operation(1, new PushRejectedException(7, "t", "INSERT", "UNIQUE constraint failed", "SQLITE_CONSTRAINT"))
                        .retryWhen(retry.forOperation("push")))
                .expectSubscription()
                .expectError(PushRejectedException.class)
                .verify(Duration.ofSeconds(5));
        assertThat(attempts).hasSize(1);
    }

    @Test
    void doesNotRetryA500() {
        TransientRetry retry = new TransientRetry(THREE, status);
        StepVerifier.withVirtualTime(() -> operation(1, new SyncServerException("POST /v2/pipeline", 500, ""))
                        .retryWhen(retry.forOperation("push")))
                .expectSubscription()
                .expectError(SyncServerException.class)
                .verify(Duration.ofSeconds(5));
        assertThat(attempts).hasSize(1);
    }

    @Test
    void noRetriesSurfacesTheFirstFailure() {
        TransientRetry retry = new TransientRetry(RetryOptions.none(), status);
        StepVerifier.withVirtualTime(() -> operation(1, new SyncTransportException("reset", null))
                        .retryWhen(retry.forOperation("pull")))
                .expectSubscription()
                .expectError(SyncTransportException.class)
                .verify(Duration.ofSeconds(5));
        assertThat(attempts).hasSize(1);
    }

    @Test
    void theStatusShowsTheWaitItsCauseAndTheNextAttempt() {
        TransientRetry retry = new TransientRetry(THREE, status);
        List<SyncStatus> seen = new CopyOnWriteArrayList<>();
        status.flux().subscribe(seen::add);
        SyncServerException cause = unavailable();
        StepVerifier.withVirtualTime(() -> operation(1, cause).retryWhen(retry.forOperation("pull")))
                .expectSubscription()
                .then(() -> {
                    SyncStatus waiting = status.current();
                    assertThat(waiting.state()).isEqualTo(SyncState.BACKING_OFF);
                    assertThat(waiting.error()).containsSame(cause);
                    assertThat(waiting.nextAttempt()).isPresent();
                })
                .thenAwait(Duration.ofMillis(100))
                .expectNext("done")
                .verifyComplete();
        assertThat(seen).extracting(SyncStatus::state).contains(SyncState.BACKING_OFF);
    }
}
