package dev.tursosync.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tursosync.TursoSyncException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/** {@link ThrownErrors}: what is thrown through a stream, either way, ends it with an error signal. */
class ThrownErrorsTests {

    private static final Duration WAIT = Duration.ofSeconds(60);

    /** As when an event loop hands a frame to a consumer that throws (BlockHound's error is an {@link Error}). */
    @Test
    void anErrorTheConsumerThrowsCancelsTheSourceAndEndsTheStreamTyped() {
        AtomicBoolean cancelled = new AtomicBoolean();
        OutOfMemoryError thrown = new OutOfMemoryError("thrown by the consumer");

        StepVerifier.create(ThrownErrors.signalled(Flux.range(1, 10).doOnCancel(() -> cancelled.set(true)))
                        .doOnNext(i -> {
                            if (i == 3) {
                                throw thrown;
                            }
                        }))
                .expectNext(1, 2)
                .expectErrorSatisfies(error -> assertThat(error).isInstanceOf(TursoSyncException.class)
                        .hasCause(thrown))
                .verify(WAIT);
        assertThat(cancelled).isTrue();
    }

    /** As when an operator of the transport's pipeline throws a JVM-fatal error while the stream is requested. */
    @Test
    void anErrorTheSourceThrowsWhenRequestedEndsTheStreamTyped() {
        OutOfMemoryError thrown = new OutOfMemoryError("thrown by the source");

        StepVerifier.create(ThrownErrors.signalled(Flux.range(1, 10).map(i -> {
                    if (i == 3) {
                        throw thrown;
                    }
                    return i;
                })), 0)
                .thenRequest(2)
                .expectNext(1, 2)
                .thenRequest(1)
                .expectErrorSatisfies(error -> assertThat(error).isInstanceOf(TursoSyncException.class)
                        .hasCause(thrown))
                .verify(WAIT);
    }

    /** An Error the source signals (Reactor signals the non-fatal ones) is typed too; exceptions pass as they are. */
    @Test
    void signalledErrorsAreTypedAndExceptionsPassUnchanged() {
        Error signalled = new Error("signalled");
        StepVerifier.create(ThrownErrors.signalled(Flux.error(signalled)))
                .expectErrorSatisfies(error -> assertThat(error).isInstanceOf(TursoSyncException.class)
                        .hasCause(signalled))
                .verify(WAIT);
        IllegalStateException exception = new IllegalStateException("an exception");
        StepVerifier.create(ThrownErrors.signalled(Flux.error(exception)))
                .expectErrorSatisfies(error -> assertThat(error).isSameAs(exception))
                .verify(WAIT);
    }
}
