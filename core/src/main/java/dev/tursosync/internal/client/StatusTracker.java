package dev.tursosync.internal.client;

import dev.tursosync.SyncState;
import dev.tursosync.SyncStatus;
import java.time.Instant;
import java.util.function.UnaryOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * Keeps the client's latest {@link SyncStatus} and publishes each change to the subscribers of
 * {@code status()}, replaying the latest to newcomers.
 */
final class StatusTracker {

    private final Sinks.Many<SyncStatus> sink = Sinks.many().replay().latest();
    private SyncStatus current = new SyncStatus(SyncState.CLOSED, null, null, null, null);
    private boolean done;

    StatusTracker() {
        sink.tryEmitNext(current);
    }

    Flux<SyncStatus> flux() {
        return sink.asFlux();
    }

    synchronized SyncStatus current() {
        return current;
    }

    /** The client opened with these times from its metadata. */
    void opened(Instant lastPull, Instant lastPush) {
        update(status -> new SyncStatus(SyncState.IDLE, null, null, lastPull, lastPush));
    }

    /** An operation started. */
    void begin(SyncState state) {
        update(status -> status.withState(state));
    }

    /** A pull succeeded. */
    void pulled(Instant at) {
        update(status -> new SyncStatus(SyncState.IDLE, null, null, at, status.lastPush().orElse(null)));
    }

    /** A push succeeded; {@code at} is {@code null} when it had nothing to send. */
    void pushed(Instant at) {
        update(status -> new SyncStatus(SyncState.IDLE, null, null, status.lastPull().orElse(null),
                at != null ? at : status.lastPush().orElse(null)));
    }

    /** A checkpoint (or another local operation) succeeded. */
    void succeeded() {
        update(status -> new SyncStatus(SyncState.IDLE, null, null, status.lastPull().orElse(null),
                status.lastPush().orElse(null)));
    }

    /** An operation failed for good. */
    void failed(Throwable error) {
        update(status -> new SyncStatus(SyncState.IDLE, error, null, status.lastPull().orElse(null),
                status.lastPush().orElse(null)));
    }

    /** An operation ended without a result (cancelled): the client is idle again, the last error stays. */
    void stopped() {
        update(status -> status.state() == SyncState.CLOSED ? status : status.withState(SyncState.IDLE));
    }

    /** An operation failed and runs again at {@code next}. */
    void backingOff(Throwable error, Instant next) {
        update(status -> new SyncStatus(SyncState.BACKING_OFF, error, next, status.lastPull().orElse(null),
                status.lastPush().orElse(null)));
    }

    /** The client closed: the last status, then completion; later updates are ignored. */
    void closed() {
        update(status -> status.withState(SyncState.CLOSED));
        synchronized (this) {
            done = true;
            sink.tryEmitComplete();
        }
    }

    private void update(UnaryOperator<SyncStatus> change) {
        synchronized (this) {
            if (done) {
                return;
            }
            SyncStatus next = change.apply(current);
            if (next.equals(current)) {
                return;
            }
            current = next;
            // emitted under the lock, so subscribers see the statuses in the order they were made
            sink.tryEmitNext(next);
        }
    }
}
