package dev.tursosync.internal.db;

import dev.tursosync.spi.Lane;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in submission order, on the manager's lease threads. A task submitted while the lane is
 * running (typically by the task itself, through the subscriber it signalled) runs right after it on the same thread,
 * without waking another: a statement layer that gives each of its connections one lane ({@link
 * ConnectionManager#lane()}) runs one statement after another, across leases, without a thread hop.
 */
public final class SerialLane implements Lane {

    private static final Logger LOG = LoggerFactory.getLogger(SerialLane.class);

    private final Executor threads;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pending = new AtomicInteger();
    private final int home;

    SerialLane(Executor threads, int home) {
        this.threads = threads;
        this.home = home;
    }

    /** Where the lane's leases give their connection back, and its next lease looks first. */
    int home() {
        return home;
    }

    /**
     * Queues a task; starts running the lane on a thread unless it runs already.
     *
     * @param task the task
     * @throws java.util.concurrent.RejectedExecutionException if the manager is closed and the lane was idle
     */
    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        if (pending.getAndIncrement() == 0) {
            threads.execute(this::drain);
        }
    }

    private void drain() {
        do {
            Runnable task = tasks.poll();
            try {
                task.run();
            } catch (Throwable error) {
                LOG.error("a database task failed", error);
            }
        } while (pending.decrementAndGet() != 0);
    }
}
