package dev.tursosync.internal.client;

import dev.tursosync.OperationResult;
import dev.tursosync.PushResult;
import dev.tursosync.internal.transport.TransportStats;
import java.time.Duration;
import java.util.function.Function;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Times the client's operations and publishes how each ended on {@code operations()}, a hot stream.
 */
final class OperationResults {

    private static final TransportStats NO_TRANSPORT = new TransportStats();

    private final Sinks.Many<OperationResult> sink = Sinks.many().multicast().directBestEffort();
    private final Supplier<TransportStats> transport;

    /**
     * Creates the publisher.
     *
     * @param transport the byte counters of the open client, or {@code null} when it is not open
     */
    OperationResults(Supplier<TransportStats> transport) {
        this.transport = transport;
    }

    Flux<OperationResult> flux() {
        return sink.asFlux();
    }

    /** Wraps one operation so that its end is published, whatever it is. */
    <T> Function<Mono<T>, Mono<T>> timed(OperationResult.Operation operation) {
        return work -> Mono.defer(() -> {
            long start = System.nanoTime();
            return work
                    .doOnSuccess(result -> publish(operation, OperationResult.Outcome.SUCCESS, start, null,
                            result instanceof PushResult pushed ? pushed.changesPushed() : 0))
                    .doOnError(error -> publish(operation, OperationResult.Outcome.FAILURE, start, error, 0))
                    .doOnCancel(() -> publish(operation, OperationResult.Outcome.CANCELLED, start, null, 0));
        });
    }

    /** The client closed: subscribers complete. */
    synchronized void complete() {
        sink.tryEmitComplete();
    }

    private void publish(OperationResult.Operation operation, OperationResult.Outcome outcome, long start,
            Throwable error, long changesPushed) {
        TransportStats stats = transport.get();
        TransportStats counters = stats != null ? stats : NO_TRANSPORT;
        OperationResult result = new OperationResult(operation, outcome, Duration.ofNanos(System.nanoTime() - start),
                error, changesPushed, counters.bytesSent(), counters.bytesReceived());
        synchronized (this) {
            // serialized: operations end on different threads
            sink.tryEmitNext(result);
        }
    }
}
