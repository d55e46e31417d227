package dev.tursosync.internal.db;

import dev.tursosync.spi.Turns;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * A fair shared/exclusive permit for the database, without blocking threads: a request that cannot be granted
 * waits as a subscriber in a FIFO queue. Ordinary work holds a shared permit; applying a pull holds the exclusive
 * one. Once an exclusive request is queued, later shared requests wait behind it, so pulls are not starved.
 *
 * <p>While nothing waits and no exclusive permit is held, shared permits are taken and given back with one atomic
 * update and no monitor ({@link #tryShared}, release): many lease threads take them for every statement, and on a
 * loaded machine a thread descheduled while holding a shared monitor would stop all the others. Everything else runs
 * under the monitor. The shared holders are counted in {@code state} together with a "closed" bit, which is set
 * exactly while a request waits or the exclusive permit is held; the fast paths only change the count while the bit is
 * clear, so once the monitor has set it the count can only fall, and only under the monitor.
 */
public final class AccessGate {

    /** A granted permit; {@link #release()} is idempotent. An exclusive permit is a turn of {@link CommandTurns}. */
    public static final class Permit implements Turns.Turn {
        /** {@link #released}, set once: a field rather than an atomic object, as every command's turn is a permit. */
        private static final VarHandle RELEASED;

        static {
            try {
                RELEASED = MethodHandles.lookup().findVarHandle(Permit.class, "released", boolean.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final AccessGate gate;
        private final boolean exclusive;
        @SuppressWarnings("unused") // through RELEASED
        private volatile boolean released;

        private Permit(AccessGate gate, boolean exclusive) {
            this.gate = gate;
            this.exclusive = exclusive;
        }

        /** Gives the permit back; later calls do nothing. */
        @Override
        public void release() {
            if (RELEASED.compareAndSet(this, false, true)) {
                gate.release(exclusive);
            }
        }

        /**
         * Whether another request waits for the gate (an exclusive one, or a shared one behind it): the holder of a
         * shared permit that could keep it across several units of work gives it back instead.
         *
         * @return {@code true} while a request waits
         */
        public boolean othersWait() {
            return gate.othersWait();
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

    /** A queued request; {@code permit} is set, under the monitor, when it is granted. */
    private static final class Waiter {
        final boolean exclusive;
        final MonoSink<Permit> sink;
        Permit permit;

        Waiter(boolean exclusive, MonoSink<Permit> sink) {
            this.exclusive = exclusive;
            this.sink = sink;
        }
    }

    /** The "closed" bit: the fast paths do not apply. */
    private static final long CLOSED = 1;
    /** One shared holder in {@link #state}. */
    private static final long HOLDER = 2;

    private final Deque<Waiter> queue = new ArrayDeque<>();
    /** Shared holders times {@link #HOLDER}, plus {@link #CLOSED} while a request waits or the exclusive is held. */
    private final AtomicLong state = new AtomicLong();
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
            // from "no holder, nothing waits" straight to closed, so no fast shared grant slips in between
            if (!queue.isEmpty() || exclusiveHeld || !state.compareAndSet(0, CLOSED)) {
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
        for (;;) {
            long current = state.get();
            if ((current & CLOSED) != 0) {
                return null;
            }
            if (state.compareAndSet(current, current + HOLDER)) {
                return new Permit(this, false);
            }
        }
    }

    /**
     * Whether a request waits or the exclusive permit is held, without the monitor: one volatile read. While the
     * caller holds a shared permit the exclusive one cannot be held, so this says a request waits.
     */
    boolean othersWait() {
        return (state.get() & CLOSED) != 0;
    }

    /**
     * Counts for tests and stats.
     *
     * @return {@code [shared holders, exclusive held ? 1 : 0, waiters]}
     */
    synchronized int[] state() {
        return new int[] {sharedHolders(), exclusiveHeld ? 1 : 0, queue.size()};
    }

    private int sharedHolders() {
        return (int) (state.get() / HOLDER);
    }

    /** Sets or clears the closed bit to match the queue and the exclusive permit; call with the monitor held. */
    private void updateClosed() {
        boolean closed = !queue.isEmpty() || exclusiveHeld;
        state.getAndUpdate(current -> closed ? current | CLOSED : current & ~CLOSED);
    }

    /**
     * A waiter cancelled while queued leaves the queue. A permit granted to a waiter that cancels at the same moment
     * is given back here: Reactor runs the cancel callback only when the cancel came before the permit was delivered,
     * and a permit that arrives in between is dropped without the discard hook (the sink is marked done before the
     * callback runs). The discard hook covers a permit that arrives after the callback; release is idempotent.
     */
    private Mono<Permit> request(boolean exclusive) {
        return Mono.<Permit>create(sink -> {
                    Waiter waiter = new Waiter(exclusive, sink);
                    sink.onCancel(() -> cancel(waiter));
                    List<Waiter> granted;
                    synchronized (this) {
                        queue.addLast(waiter);
                        updateClosed();
                        granted = grantable();
                        updateClosed();
                    }
                    deliver(granted);
                })
                .doOnDiscard(Permit.class, Permit::release);
    }

    private void cancel(Waiter waiter) {
        List<Waiter> granted;
        Permit grantedToTheCancelled;
        synchronized (this) {
            grantedToTheCancelled = waiter.permit;
            if (grantedToTheCancelled == null) {
                if (!queue.remove(waiter)) {
                    return;
                }
                granted = grantable();
                updateClosed();
            } else {
                granted = List.of();
            }
        }
        if (grantedToTheCancelled != null) {
            grantedToTheCancelled.release();
        }
        deliver(granted);
    }

    private void release(boolean exclusive) {
        if (!exclusive) {
            long current = state.get();
            while ((current & CLOSED) == 0) {
                if (state.compareAndSet(current, current - HOLDER)) {
                    return;
                }
                current = state.get();
            }
        }
        List<Waiter> granted;
        synchronized (this) {
            if (exclusive) {
                exclusiveHeld = false;
            } else {
                state.addAndGet(-HOLDER);
            }
            granted = grantable();
            updateClosed();
        }
        deliver(granted);
    }

    /**
     * Takes the waiters at the head of the queue that can run now; call with the monitor held and the closed bit set
     * (a request waits), so the shared count read here can only fall meanwhile.
     */
    private List<Waiter> grantable() {
        // most releases grant nothing (an R2DBC connection's turn is released after every statement): no list then
        List<Waiter> granted = List.of();
        while (!queue.isEmpty() && !exclusiveHeld) {
            Waiter head = queue.peekFirst();
            if (head.exclusive) {
                if (sharedHolders() > 0) {
                    break;
                }
                exclusiveHeld = true;
            } else {
                state.addAndGet(HOLDER);
            }
            if (granted.isEmpty()) {
                granted = new ArrayList<>();
            }
            Waiter next = queue.pollFirst();
            next.permit = new Permit(this, next.exclusive);
            granted.add(next);
        }
        return granted;
    }

    private void deliver(List<Waiter> granted) {
        for (Waiter waiter : granted) {
            waiter.sink.success(waiter.permit);
        }
    }
}
