package dev.tursosync.internal.db;

import dev.tursosync.spi.Turns;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * A fair shared/exclusive permit for the database, without blocking threads: a request that cannot be granted
 * waits as a subscriber in a FIFO queue. Ordinary work holds a shared permit; applying a pull holds the exclusive
 * one. Once an exclusive request is queued, later shared requests wait behind it, so pulls are not starved.
 */
public final class AccessGate {

    /** A granted permit; {@link #release()} is idempotent. An exclusive permit is a turn of {@link CommandTurns}. */
    public static final class Permit implements Turns.Turn {
        private final AccessGate gate;
        private final boolean exclusive;
        private final AtomicBoolean released = new AtomicBoolean();

        private Permit(AccessGate gate, boolean exclusive) {
            this.gate = gate;
            this.exclusive = exclusive;
        }

        /** Gives the permit back; later calls do nothing. */
        @Override
        public void release() {
            if (released.compareAndSet(false, true)) {
                gate.release(exclusive);
            }
        }

        /**
         * Whether this is the exclusive permit (a pull) rather than a shared one.
         *
         * @return {@code true} for the exclusive permit
         */
        public boolean isExclusive() {
            return exclusive;
        }
    }

    private record Waiter(boolean exclusive, MonoSink<Permit> sink) {
    }

    private final Deque<Waiter> queue = new ArrayDeque<>();
    private int sharedHolders;
    private boolean exclusiveHeld;

    /**
     * Requests a shared permit.
     *
     * @return the permit once granted
     */
    public Mono<Permit> shared() {
        return request(false);
    }

    /**
     * Requests the exclusive permit: granted once every shared holder has released.
     *
     * @return the permit once granted
     */
    public Mono<Permit> exclusive() {
        return request(true);
    }

    /**
     * Grants the exclusive permit at once if nothing holds the gate and nobody waits, without a subscription: the fast
     * path of a caller that would otherwise subscribe to {@link #exclusive()}.
     *
     * @return the permit, or {@code null} when it cannot be granted now
     */
    public Permit tryExclusive() {
        synchronized (this) {
            if (!queue.isEmpty() || exclusiveHeld || sharedHolders > 0) {
                return null;
            }
            exclusiveHeld = true;
        }
        return new Permit(this, true);
    }

    /**
     * Grants a shared permit at once if no exclusive request holds the gate or waits, without a subscription: the
     * fast path of a caller that would otherwise subscribe to {@link #shared()}.
     *
     * @return the permit, or {@code null} when it cannot be granted now
     */
    public Permit tryShared() {
        synchronized (this) {
            if (!queue.isEmpty() || exclusiveHeld) {
                return null;
            }
            sharedHolders++;
        }
        return new Permit(this, false);
    }

    /**
     * Counts for tests and stats.
     *
     * @return {@code [shared holders, exclusive held ? 1 : 0, waiters]}
     */
    synchronized int[] state() {
        return new int[] {sharedHolders, exclusiveHeld ? 1 : 0, queue.size()};
    }

    /**
     * A waiter cancelled while queued leaves the queue. A permit granted to a subscriber that cancelled at the same
     * moment is dropped by Reactor as a discarded value, and the discard hook releases it.
     */
    private Mono<Permit> request(boolean exclusive) {
        return Mono.<Permit>create(sink -> {
                    Waiter waiter = new Waiter(exclusive, sink);
                    sink.onCancel(() -> cancel(waiter));
                    List<Waiter> granted;
                    synchronized (this) {
                        queue.addLast(waiter);
                        granted = grantable();
                    }
                    deliver(granted);
                })
                .doOnDiscard(Permit.class, Permit::release);
    }

    private void cancel(Waiter waiter) {
        List<Waiter> granted;
        synchronized (this) {
            if (!queue.remove(waiter)) {
                return;
            }
            granted = grantable();
        }
        deliver(granted);
    }

    private void release(boolean exclusive) {
        List<Waiter> granted;
        synchronized (this) {
            if (exclusive) {
                exclusiveHeld = false;
            } else {
                sharedHolders--;
            }
            granted = grantable();
        }
        deliver(granted);
    }

    /** Takes the waiters at the head of the queue that can run now; call with the monitor held. */
    private List<Waiter> grantable() {
        List<Waiter> granted = new ArrayList<>();
        while (!queue.isEmpty() && !exclusiveHeld) {
            Waiter head = queue.peekFirst();
            if (head.exclusive()) {
                if (sharedHolders > 0) {
                    break;
                }
                exclusiveHeld = true;
            } else {
                sharedHolders++;
            }
            granted.add(queue.pollFirst());
        }
        return granted;
    }

    private void deliver(List<Waiter> granted) {
        for (Waiter waiter : granted) {
            waiter.sink().success(new Permit(this, waiter.exclusive()));
        }
    }
}
