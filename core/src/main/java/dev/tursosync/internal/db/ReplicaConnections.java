package dev.tursosync.internal.db;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.sqlite.SQLiteConfig;

/**
 * Opens every SQLite connection of the client, each with the settings of its role. A replica's connections never
 * checkpoint on their own ({@code wal_autocheckpoint = 0}): the client folds the WAL in only where its revert store
 * allows (docs/sync-client.md), and the connections that write during a pull close while a read-only one is still
 * open, so none checkpoints when it closes either.
 */
public final class ReplicaConnections {

    /** How long a connection waits for a lock another one holds. */
    static final Duration BUSY_TIMEOUT = Duration.ofSeconds(10);
    /** How much of a checked file SQLite maps into memory (the rest, past 1 GiB, it reads). */
    static final long CHECK_MMAP_BYTES = 1L << 30;

    /** What a connection is for. */
    public enum Role {
        /**
         * A client connection ({@link ConnectionManager}): read-write, WAL mode, its lock waits parked rather than
         * slept ({@code LockWait}).
         */
        CLIENT,
        /**
         * The {@link ConnectionManager}'s read-only sentinel, closed last so SQLite never checkpoints (also the one a
         * pull's window opens before its replay's connection, {@link WindowConnections}): it reads the schema at once,
         * since SQLite takes the file lock that blocks the checkpoint only on a connection's first read.
         */
        SENTINEL,
        /** Read-only, for a short read with every client connection closed (the pending changes of a pull). */
        READ_ONLY,
        /** Read-write with no other connection open, to run {@code wal_checkpoint(TRUNCATE)}. */
        CHECKPOINT,
        /**
         * A whole database file the server sent, before it is installed: read-only and immutable, so no lock, WAL or
         * shared-memory file is involved.
         */
        CHECK_ONLY
    }

    private ReplicaConnections() {
    }

    /**
     * Opens a connection to a database file.
     *
     * @param database the database file
     * @param role     what the connection is for
     * @return the connection; the caller closes it
     * @throws SQLException if it cannot be opened or set up (it is then closed)
     */
    public static Connection open(Path database, Role role) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        boolean readOnly = role == Role.SENTINEL || role == Role.READ_ONLY || role == Role.CHECK_ONLY;
        config.setReadOnly(readOnly);
        if (role != Role.CHECK_ONLY) {
            config.setBusyTimeout((int) BUSY_TIMEOUT.toMillis());
        }
        String url = role == Role.CHECK_ONLY ? "jdbc:sqlite:file:" + database.toAbsolutePath() + "?immutable=1"
                : "jdbc:sqlite:" + database;
        Connection connection = config.createConnection(url);
        try (Statement statement = connection.createStatement()) {
            switch (role) {
                case CLIENT -> {
                    LockWait.install(connection, BUSY_TIMEOUT);
                    statement.execute("PRAGMA wal_autocheckpoint = 0");
                    statement.execute("PRAGMA journal_mode = WAL");
                }
                case SENTINEL -> {
                    LockWait.install(connection, BUSY_TIMEOUT);
                    statement.execute("PRAGMA wal_autocheckpoint = 0");
                    // SQLite takes the lock that keeps a closing connection from checkpointing at the first read
                    statement.executeQuery("SELECT count(*) FROM sqlite_schema").close();
                }
                // quick_check reads every page once: mapped, it saves a read() and a copy per page (about a quarter
                // of its time on a 50 MB file); the file is ours and does not change while it is checked
                case CHECK_ONLY -> statement.execute("PRAGMA mmap_size = " + CHECK_MMAP_BYTES);
                case READ_ONLY, CHECKPOINT -> {
                    // SQLite's defaults
                }
            }
        } catch (SQLException | RuntimeException e) {
            try {
                connection.close();
            } catch (SQLException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
        return connection;
    }

    /**
     * Opens a private in-memory database, for parsing SQL with SQLite itself.
     *
     * @return the connection; the caller closes it
     * @throws SQLException if it cannot be opened
     */
    public static Connection inMemory() throws SQLException {
        return new SQLiteConfig().createConnection("jdbc:sqlite::memory:");
    }
}
