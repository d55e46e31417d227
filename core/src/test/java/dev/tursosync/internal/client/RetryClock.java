package dev.tursosync.internal.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import reactor.core.Disposable;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * Virtual time that tells when a delay was put on it. The engine's retry waits with {@code Mono.delay} on Reactor's
 * parallel scheduler, which this clock replaces under {@code StepVerifier.withVirtualTime}; the failed attempt runs
 * on the client's own threads. A test that moved the clock before the retry had scheduled its delay would start
 * that delay late, so it first takes the delay from {@link #nextDelay()} (a real signal, and the delay's length to
 * assert), then advances by it.
 */
final class RetryClock extends VirtualTimeScheduler {

    private final BlockingQueue<Duration> delays = new LinkedBlockingQueue<>();

    RetryClock() {
        super(false);
    }

    @Override
    public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
        Disposable scheduled = super.schedule(task, delay, unit);
        delays.add(Duration.ofNanos(unit.toNanos(delay)));
        return scheduled;
    }

    /**
     * Waits until the next delay is on the clock.
     *
     * @return its length
     */
    Duration nextDelay() {
        try {
            Duration delay = delays.poll(ScriptedClients.WAIT.toSeconds(), TimeUnit.SECONDS);
            if (delay == null) {
                throw new AssertionError("no delay was scheduled within " + ScriptedClients.WAIT);
            }
            return delay;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * The delays scheduled and not yet taken.
     *
     * @return their lengths
     */
    List<Duration> untaken() {
        List<Duration> rest = new ArrayList<>();
        delays.drainTo(rest);
        return rest;
    }
}
