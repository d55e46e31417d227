package dev.tursosync.internal.db;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The manager's idle connections. Each lane has a home slot (lanes beyond the number of slots share them): a
 * connection its lease gives back waits there, and the lane's next lease takes it back with one atomic update. So a
 * statement-layer connection that runs one statement after another keeps using the same JDBC connection (its
 * statement cache, its pages in the CPU caches), and concurrent lanes do not all take and give back connections at
 * the head of one shared deque, where they contended and swapped connections between threads. A connection whose
 * home is taken, or given back by work without a lane, goes to a shared deque; a lane whose home is empty takes from
 * it, and before a new connection is opened any idle one is taken from another home.
 *
 * <p>Taking and giving back run under a shared permit and {@link #drain} under the exclusive one, so they never
 * overlap: every idle connection is either in a home or in the deque when the manager closes them all.
 */
final class IdleConnections {

    /** Home slots; lanes get them in turn. */
    private static final int HOMES = 64;
    /** Array cells between two homes, so that homes used by threads on different cores share no cache line. */
    private static final int SPACING = 16;
    /** The lane "home" of work that has none. */
    static final int NO_HOME = -1;

    private final AtomicReferenceArray<Connection> homes = new AtomicReferenceArray<>(HOMES * SPACING);
    private final Deque<Connection> shared = new ConcurrentLinkedDeque<>();
    private final AtomicInteger nextHome = new AtomicInteger();

    /**
     * A home for a new lane.
     *
     * @return the home, for {@link #take} and {@link #giveBack}
     */
    int newHome() {
        return Math.floorMod(nextHome.getAndIncrement(), HOMES) * SPACING;
    }

    /**
     * Takes an idle connection: the one waiting at home, else one from the shared deque, else one from any home.
     *
     * @param home the lane's home, or {@link #NO_HOME}
     * @return the connection, or {@code null} when none is idle
     */
    Connection take(int home) {
        Connection connection = home == NO_HOME ? null : takeFrom(home);
        if (connection == null) {
            connection = shared.pollFirst();
        }
        for (int other = 0; connection == null && other < HOMES * SPACING; other += SPACING) {
            connection = takeFrom(other);
        }
        return connection;
    }

    private Connection takeFrom(int home) {
        Connection waiting = homes.get(home);
        return waiting != null && homes.compareAndSet(home, waiting, null) ? waiting : null;
    }

    /**
     * Gives a healthy connection back: to the lane's home when it is free, else to the shared deque.
     *
     * @param connection the connection
     * @param home       the lane's home, or {@link #NO_HOME}
     */
    void giveBack(Connection connection, int home) {
        if (home != NO_HOME && homes.get(home) == null && homes.compareAndSet(home, null, connection)) {
            return;
        }
        shared.addFirst(connection);
    }

    /**
     * Takes every idle connection out, to be closed; call only under the exclusive permit.
     *
     * @return the connections
     */
    List<Connection> drain() {
        List<Connection> all = new ArrayList<>();
        for (int home = 0; home < HOMES * SPACING; home += SPACING) {
            Connection waiting = homes.getAndSet(home, null);
            if (waiting != null) {
                all.add(waiting);
            }
        }
        for (Connection connection = shared.pollFirst(); connection != null; connection = shared.pollFirst()) {
            all.add(connection);
        }
        return all;
    }
}
