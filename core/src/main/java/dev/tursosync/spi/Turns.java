package dev.tursosync.spi;

import dev.tursosync.internal.db.CommandTurns;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * A fair queue of turns for the commands of one statement-layer connection, without blocking threads: one turn at a
 * time, granted in the order asked. A statement layer takes a turn for each command (a statement execution with its
 * results, a transaction command) and releases it when the command ended, so commands issued concurrently on one
 * connection run one after the other.
 */
public interface Turns {

    /**
     * A new queue, with no turn held.
     *
     * @return the queue
     */
    static Turns create() {
        return new CommandTurns();
    }

    /**
     * Takes the turn at once if nobody holds it or waits for it, without a subscription: the fast path before
     * {@link #next()}.
     *
     * @return the turn, or {@code null} when it cannot be granted now
     */
    @Nullable Turn tryNow();

    /**
     * Waits for the turn, behind every earlier request; a subscriber that cancels while waiting leaves the queue.
     *
     * @return the turn once granted
     */
    Mono<Turn> next();

    /** A granted turn. */
    interface Turn {

        /** Gives the turn to the next waiter; later calls do nothing. */
        void release();
    }
}
