package dev.tursosync.bench;

import java.nio.file.Path;

/**
 * One sync client under test (the Java client or the JS client), able to bootstrap and to open replicas. Every
 * duration is measured by the client's own process, around just the client operation.
 */
public interface SyncSide {

    /**
     * A short name used in the report, such as {@code JS} or {@code Java}.
     *
     * @return the name
     */
    String name();

    /**
     * Bootstraps an empty local path from the remote and closes the replica again (closing is not timed).
     *
     * @param url  the remote
     * @param path a database file that does not exist yet
     * @return the duration of the bootstrap, in milliseconds
     */
    double bootstrap(String url, Path path);

    /**
     * Opens (bootstrapping when empty) a replica that stays open for later operations; not timed.
     *
     * @param url  the remote
     * @param path the database file
     * @return the open replica
     */
    Replica open(String url, Path path);

    /**
     * Tells whether this client can write locally and push ({@link Replica#insertLocalRows}, {@link Replica#push()}).
     *
     * @return {@code true} when push is implemented
     */
    default boolean supportsPush() {
        return false;
    }

    /**
     * An open replica of one client.
     */
    interface Replica extends AutoCloseable {

        /**
         * Pulls the remote changes and applies them.
         *
         * @return the pull's outcome
         */
        PullResult pull();

        /**
         * Runs SQL on the local database (as a local writer; never timed by the harness).
         *
         * @param sql the statements
         */
        default void execLocal(String sql) {
            throw new UnsupportedOperationException("local writes are not implemented for this client yet");
        }

        /**
         * Inserts rows of random text into {@code table(id INTEGER PRIMARY KEY, data TEXT)} in one local transaction
         * (never timed by the harness).
         *
         * @param table the table
         * @param rows  how many rows
         * @param bytes characters of text per row
         */
        default void insertLocalRows(String table, int rows, int bytes) {
            throw new UnsupportedOperationException("local writes are not implemented for this client yet");
        }

        /**
         * Pushes the local writes.
         *
         * @return the duration of the push and what the client reported
         */
        default PushTiming push() {
            throw new UnsupportedOperationException("push is not implemented for this client yet");
        }

        @Override
        void close();
    }

    /**
     * The outcome of one timed pull.
     *
     * @param ms     the duration, in milliseconds
     * @param detail what the client reported (change events, or whether anything changed), for the log
     */
    record PullResult(double ms, String detail) {
    }

    /**
     * The outcome of one timed push.
     *
     * @param ms       the duration, in milliseconds
     * @param detail   what the client reported (changes, batches, bytes), for the report, or empty
     * @param remoteMs the part of {@code ms} the client spent waiting on the remote, or {@code NaN} when the client
     *                 does not say
     */
    record PushTiming(double ms, String detail, double remoteMs) {
    }
}
