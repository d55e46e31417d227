package dev.tursosync.internal.client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.sqlite.SQLiteCommitListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * The automatic checkpoint policy: after each unit of local work, when the WAL has grown past a size, one checkpoint
 * runs in the background.
 *
 * <p>The WAL's size is looked at after every statement that committed (one {@code stat}, a few microseconds), not on
 * a timer: SQLite's commit hook marks the connection ({@link #watch}), and the statement's end looks at the mark
 * ({@link #afterStatement}). Only a commit makes the WAL's new frames last (a statement inside a transaction adds
 * frames at most when its pages spill, and a checkpoint could not run before that transaction ends anyway), so
 * statements inside a transaction and queries cost no {@code stat}. The checkpoint's request for the database is
 * queued while the work that crossed the size still holds it, so later work waits for the checkpoint and the WAL
 * stays within about one statement (or the rest of an open transaction) past the size. Only a pull or push that is
 * running at that moment lets it grow further, until the checkpoint's turn comes.
 */
final class AutoCheckpoint {

    private static final Logger LOG = LoggerFactory.getLogger(AutoCheckpoint.class);

    private final Path wal;
    private final long thresholdBytes;
    private final Supplier<Mono<Void>> checkpoint;
    private final AtomicBoolean running = new AtomicBoolean();
    /** Per watched connection: whether it committed since its last statement ended. */
    private final Map<Connection, AtomicBoolean> committed = new ConcurrentHashMap<>();

    /**
     * Creates the policy.
     *
     * @param wal            the WAL file
     * @param thresholdBytes the size that triggers a checkpoint; 0 disables the policy
     * @param checkpoint     starts a checkpoint
     */
    AutoCheckpoint(Path wal, long thresholdBytes, Supplier<Mono<Void>> checkpoint) {
        this.wal = wal;
        this.thresholdBytes = thresholdBytes;
        this.checkpoint = checkpoint;
    }

    /**
     * Watches a new connection's commits; register the listener on the connection.
     *
     * @param connection the connection
     * @return the listener that marks the connection on every commit
     */
    SQLiteCommitListener watch(Connection connection) {
        committed.keySet().removeIf(AutoCheckpoint::isClosed);
        AtomicBoolean mark = new AtomicBoolean(true);
        committed.put(connection, mark);
        return new SQLiteCommitListener() {
            @Override
            public void onCommit() {
                mark.set(true);
            }

            @Override
            public void onRollback() {
                // a rollback leaves no new frames in use
            }
        };
    }

    /**
     * Called after each statement, on its database thread: looks at the WAL when the connection committed since its
     * last statement (or is not watched).
     *
     * @param connection the connection the statement ran on
     */
    void afterStatement(Connection connection) {
        AtomicBoolean mark = committed.get(connection);
        if (mark != null) {
            if (!mark.get()) {
                return;
            }
            mark.set(false);
        }
        afterWork();
    }

    /** Called after each unit of local work that may have grown the WAL, on a database thread. */
    void afterWork() {
        if (thresholdBytes <= 0 || running.get()) {
            return;
        }
        if (walSize() >= thresholdBytes && running.compareAndSet(false, true)) {
            LOG.debug("the WAL passed {} bytes; checkpointing", thresholdBytes);
            checkpoint.get()
                    .doFinally(signal -> running.set(false))
                    .subscribe(done -> { }, error -> LOG.warn("automatic checkpoint failed: {}", error.toString()));
        }
    }

    private static boolean isClosed(Connection connection) {
        try {
            return connection.isClosed();
        } catch (SQLException e) {
            return true;
        }
    }

    private long walSize() {
        try {
            return Files.size(wal);
        } catch (IOException e) {
            return 0;
        }
    }
}
