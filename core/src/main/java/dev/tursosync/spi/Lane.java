package dev.tursosync.spi;

import java.util.concurrent.Executor;

/**
 * An order for the database work of one connection of a statement layer: tasks run one at a time, in submission
 * order, on the client's database threads. A task submitted while the lane runs (typically from the signal of the
 * task before it) runs right after it on the same thread, so a statement issued from the previous one's result
 * starts without a thread hop. Every {@link Lease} taken on a lane runs its work on that lane.
 *
 * <p>Get one per statement-layer connection from {@link LocalDatabase#lane()}; never share a lane between two
 * connections, whose work would then wait for each other.
 */
public interface Lane extends Executor {

    /**
     * Queues a task; it runs after every task queued before it.
     *
     * @param task the task; a failure it throws is logged and does not stop the lane
     * @throws java.util.concurrent.RejectedExecutionException if the database is closed
     */
    @Override
    void execute(Runnable task);
}
