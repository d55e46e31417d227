package dev.tursosync.internal.db;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteConnectionConfig;

/**
 * What one exclusive window (a pull's apply) opens on the database: a read handle on the database file, and the
 * connections that see the state the window leaves, which the {@link ConnectionManager} takes over when the window
 * ends well: the read-write connection into its pool, the read-only one as its sentinel, the file handle until every
 * connection closes. The first work after the window then neither opens a connection nor makes SQLite rebuild its
 * WAL index from the whole WAL, as the first connection opened after all had closed does.
 *
 * <p>The rules it keeps (docs/sync-client.md, sqlite-lab Q1 and Q8):
 * <ul>
 *   <li>the file handle is closed only after every connection: closing any handle on the database file drops the
 *       process's POSIX locks on it, which would let another process checkpoint and delete the WAL under them;</li>
 *   <li>the read-only connection opens first (and reads the schema, which takes its file lock) and closes last, so
 *       closing the read-write one never checkpoints the WAL;</li>
 *   <li>nothing may write the WAL or the shared-memory file by hand while these connections are open: call
 *       {@link #close()} first.</li>
 * </ul>
 * Used by one database thread at a time, inside the window.
 */
public final class WindowConnections implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WindowConnections.class);

    /** Opens a connection of the manager's kind, without its initializer. */
    @FunctionalInterface
    interface Opener {
        Connection open(boolean readOnly) throws SQLException;
    }

    private final Path database;
    private final Opener opener;
    private final ConnectionManager.ConnectionInitializer initializer;
    private FileChannel databaseFile;
    private Connection reader;
    private Connection writer;
    private boolean kept;
    private SQLiteConfig.TransactionMode clientMode;
    private boolean clientGeneratedKeys;

    WindowConnections(Path database, Opener opener, ConnectionManager.ConnectionInitializer initializer) {
        this.database = database;
        this.opener = opener;
        this.initializer = initializer;
    }

    /**
     * A window that belongs to no manager: its connections are client and sentinel connections without an
     * initializer, and the caller closes it.
     *
     * @param database the database file
     * @return the window
     */
    public static WindowConnections unmanaged(Path database) {
        return new WindowConnections(database, readOnly -> ReplicaConnections.open(database,
                readOnly ? ReplicaConnections.Role.SENTINEL : ReplicaConnections.Role.CLIENT), connection -> { });
    }

    /**
     * A read handle on the database file, for reading its pages: opened on first use, closed only after every
     * connection of the window, or of the manager that took it over.
     *
     * @return the handle; the caller never closes it
     */
    public FileChannel databaseFile() {
        if (databaseFile == null) {
            try {
                databaseFile = FileChannel.open(database, StandardOpenOption.READ);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open " + database, e);
            }
        }
        return databaseFile;
    }

    /**
     * The read-write connection for one transaction on the database as the window left it (a pull's replay): the
     * read-only connection is opened first; the manager's initializer has not run (the caller installs what it needs
     * in its own transaction). Its transactions begin {@code IMMEDIATE}, its commits force the WAL
     * ({@code synchronous = FULL}: a pull's frames written just before without a force go with them), and it reads no
     * generated keys (sqlite-jdbc otherwise follows every insert with a query for them) until {@link #keep()}.
     *
     * @return the connection, in auto-commit mode; the window closes it
     * @throws SQLException if it cannot be opened
     */
    public Connection writer() throws SQLException {
        if (writer == null) {
            openReader();
            Connection opened = opener.open(false);
            try {
                SQLiteConnectionConfig config = opened.unwrap(SQLiteConnection.class).getConnectionConfig();
                clientMode = config.getTransactionMode();
                clientGeneratedKeys = config.isGetGeneratedKeys();
                config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
                // sqlite-jdbc otherwise follows every INSERT it runs with a regex over its text and a freshly
                // prepared SELECT last_insert_rowid(): for a replay, once per replayed insert, and nothing reads them
                config.setGetGeneratedKeys(false);
                try (Statement statement = opened.createStatement()) {
                    // its commit forces the log, and with it the pull's frames written just before without a force
                    statement.execute("PRAGMA synchronous = FULL");
                }
            } catch (SQLException | RuntimeException e) {
                closeQuietly(opened);
                throw e;
            }
            writer = opened;
        }
        return writer;
    }

    /**
     * Makes the connections ready for the manager's pool: the writer (opened now if the window had none) back to a
     * client connection's settings and prepared by the manager's initializer (which installs change capture if the
     * window's pages dropped it). Call at the end of the window, once nothing will write by hand any more.
     *
     * @throws SQLException if the writer cannot be opened or prepared
     */
    public void keep() throws SQLException {
        if (kept) {
            return;
        }
        if (writer == null) {
            openReader();
            writer = opener.open(false);
        } else {
            SQLiteConnectionConfig config = writer.unwrap(SQLiteConnection.class).getConnectionConfig();
            config.setTransactionMode(clientMode);
            config.setGetGeneratedKeys(clientGeneratedKeys);
        }
        initializer.initialize(writer);
        kept = true;
    }

    /** Whether {@link #keep()} made the connections ready for the pool. */
    boolean kept() {
        return kept;
    }

    Connection keptWriter() {
        return writer;
    }

    Connection keptReader() {
        return reader;
    }

    /**
     * Hands the file handle over: the caller closes it once every connection is closed.
     *
     * @return the handle, or {@code null} if the window opened none
     */
    FileChannel releaseDatabaseFile() {
        FileChannel file = databaseFile;
        databaseFile = null;
        return file;
    }

    /** The read-only connection, opened first; it has read the schema, so it holds the lock that blocks checkpoints. */
    private void openReader() throws SQLException {
        if (reader == null) {
            reader = opener.open(true);
        }
    }

    /**
     * Closes the writer (rolling back what it left open), then the read-only connection, then the file handle; the
     * window may open them again afterwards.
     */
    @Override
    public void close() {
        closeConnections();
        closeFile(releaseDatabaseFile());
    }

    /**
     * Closes the writer (rolling back what it left open), then the read-only connection, and leaves the file handle
     * open (pages may still be read through it): before the WAL or the shared-memory file is written by hand.
     */
    public void closeConnections() {
        if (writer != null) {
            closeQuietly(writer);
            writer = null;
        }
        if (reader != null) {
            closeQuietly(reader);
            reader = null;
        }
        kept = false;
    }

    static void closeFile(FileChannel file) {
        if (file != null) {
            try {
                file.close();
            } catch (IOException e) {
                LOG.warn("closing a read handle on the database failed", e);
            }
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.warn("closing a database connection failed", e);
        }
    }
}
