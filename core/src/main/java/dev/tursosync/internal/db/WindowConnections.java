package dev.tursosync.internal.db;

import dev.tursosync.internal.wal.WalAppend;
import dev.tursosync.internal.wal.WalIndexWriter;
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
    private FileChannel sharedMemory;
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
     * A window that starts with the manager's read-only sentinel still open, with the manager's handle on the database
     * file and a read-write channel on its {@code -shm}: a WAL transaction appended over it can be added to SQLite's
     * index by hand ({@link #indexAppended}), so that no connection rebuilds the index from the whole WAL.
     */
    WindowConnections(Path database, Opener opener, ConnectionManager.ConnectionInitializer initializer,
                      Connection sentinel, FileChannel databaseFile, FileChannel sharedMemory) {
        this(database, opener, initializer);
        this.reader = sentinel;
        this.databaseFile = databaseFile;
        this.sharedMemory = sharedMemory;
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

    /**
     * After a WAL transaction was appended with this window's read-only connection left open (and no other): adds it
     * to SQLite's WAL index ({@link WalIndexWriter}), so that the open connection sees it at its next read and the
     * connections {@link #keep()} opens need no rebuild of the index. If the window has no such connection, or the
     * index is not the WAL's as it was before the append, or writing it fails, the connections are closed instead and
     * the caller drops the {@code -shm} file, for the next opener to rebuild it from the WAL.
     *
     * <p>A crash at any point of this is safe: SQLite never trusts the index across one (the first connection after
     * every connection closed truncates and rebuilds it), and the WAL transaction stands or falls on its own.
     *
     * @param appended the transaction appended over the window's idle connections
     * @return whether the index holds it; if not, every connection of the window is closed
     */
    public boolean indexAppended(WalAppend appended) {
        boolean indexed = false;
        if (reader != null && writer == null && sharedMemory != null) {
            try {
                indexed = WalIndexWriter.append(sharedMemory, appended);
            } catch (RuntimeException e) {
                LOG.warn("adding a pulled transaction to the WAL index failed; the index is rebuilt instead", e);
            }
        }
        if (indexed) {
            // the kept connection's parsed schema may be stale with an unchanged schema cookie (the pulled pages
            // replace sqlite_schema): a new read-only connection reads it afresh, and opens without a rebuild
            // because the old one still holds the index; only then does the old one close
            try {
                Connection fresh = opener.open(true);
                Connection old = reader;
                reader = fresh;
                closeQuietly(old);
            } catch (SQLException | RuntimeException e) {
                LOG.warn("reopening the read-only connection after the pull failed; the index is rebuilt instead", e);
                indexed = false;
            }
        }
        if (!indexed) {
            closeConnections();
        }
        return indexed;
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

    /**
     * Hands the channel on {@code -shm} over with the read-only connection: the caller closes it once every connection
     * is closed.
     *
     * @return the channel, or {@code null} if the window has none
     */
    FileChannel releaseSharedMemory() {
        FileChannel channel = sharedMemory;
        sharedMemory = null;
        return channel;
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
        // only once every connection is closed: closing it drops the process's locks on -shm
        closeFile(releaseSharedMemory());
        kept = false;
    }

    static void closeFile(FileChannel file) {
        if (file != null) {
            try {
                file.close();
            } catch (IOException e) {
                LOG.warn("closing a handle on the database's files failed", e);
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
