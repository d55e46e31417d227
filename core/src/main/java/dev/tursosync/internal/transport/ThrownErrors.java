package dev.tursosync.internal.transport;

import dev.tursosync.TursoSyncException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * Ends a stream with an error signal when something is thrown through it instead of signalled. Reactor rethrows
 * JVM-fatal errors (an {@link OutOfMemoryError}, a {@link LinkageError}) out of its operators, and an {@link Error}
 * thrown while a Netty event loop hands a frame on (BlockHound's {@code BlockingOperationError}) ends in the channel,
 * not in the stream: either way the subscriber would wait forever. The guard catches what the source throws when the
 * stream is requested and what the consumer throws when handed a frame, cancels the source and signals the error
 * downstream, an {@link Error} wrapped in a {@link TursoSyncException}.
 */
public final class ThrownErrors {

    private ThrownErrors() {
    }

    /**
     * Guards a stream.
     *
     * @param source the stream, for example a transport's pull frames
     * @param <T>    the element type
     * @return the same elements; whatever is thrown through it ends it with an error signal
     */
    public static <T> Flux<T> signalled(Flux<T> source) {
        return source.hide().transform(Operators.<T, T>lift((scannable, actual) -> new Guard<>(actual)));
    }

    private static TursoSyncException typed(Throwable thrown) {
        return thrown instanceof TursoSyncException typed ? typed
                : new TursoSyncException("the pull's stream failed: " + thrown, thrown);
    }

    private static final class Guard<T> implements CoreSubscriber<T>, Subscription {

        private final CoreSubscriber<? super T> actual;
        private final AtomicBoolean done = new AtomicBoolean();
        private Subscription upstream;

        Guard(CoreSubscriber<? super T> actual) {
            this.actual = actual;
        }

        @Override
        public Context currentContext() {
            return actual.currentContext();
        }

        @Override
        public void onSubscribe(Subscription subscription) {
            if (Operators.validate(upstream, subscription)) {
                upstream = subscription;
                actual.onSubscribe(this);
            }
        }

        @Override
        public void onNext(T element) {
            if (done.get()) {
                Operators.onNextDropped(element, actual.currentContext());
                return;
            }
            try {
                actual.onNext(element);
            } catch (Throwable thrown) {
                fail(thrown);
            }
        }

        @Override
        public void onError(Throwable error) {
            if (done.compareAndSet(false, true)) {
                actual.onError(error instanceof Error ? typed(error) : error);
            } else {
                Operators.onErrorDropped(error, actual.currentContext());
            }
        }

        @Override
        public void onComplete() {
            if (done.compareAndSet(false, true)) {
                actual.onComplete();
            }
        }

        @Override
        public void request(long n) {
            try {
                upstream.request(n);
            } catch (Throwable thrown) {
                fail(thrown);
            }
        }

        @Override
        public void cancel() {
            upstream.cancel();
        }

        private void fail(Throwable thrown) {
            if (!done.compareAndSet(false, true)) {
                Operators.onErrorDropped(thrown, actual.currentContext());
                return;
            }
            try {
                upstream.cancel();
            } catch (Throwable cancelling) {
                thrown.addSuppressed(cancelling);
            }
            actual.onError(thrown instanceof Error ? typed(thrown) : thrown);
        }
    }
}
