package dev.tursosync.internal.rebase;

import dev.tursosync.internal.db.ReplicaConnections;
import dev.tursosync.internal.io.ReplicaFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The files of a database and the operations on them, most of which need every connection closed (the checkpoint can
 * also run on an idle connection the client keeps open).
 */
public final class DatabaseFiles {

    private DatabaseFiles() {
    }

    /**
     * The WAL of a database.
     *
     * @param database the database file
     * @return {@code <db>-wal}
     */
    public static Path walOf(Path database) {
        return ReplicaFiles.wal(database);
    }

    /**
     * The shared-memory index of a database.
     *
     * @param database the database file
     * @return {@code <db>-shm}
     */
    public static Path shmOf(Path database) {
        return ReplicaFiles.shm(database);
    }

    /**
     * Folds the whole WAL into the database file and empties it ({@code wal_checkpoint(TRUNCATE)}). Call with
     * every other connection closed.
     *
     * @param database the database file
     * @throws IllegalStateException if the checkpoint does not complete
     */
    public static void checkpointTruncate(Path database) {
        try (Connection connection = ReplicaConnections.open(database, ReplicaConnections.Role.CHECKPOINT);
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
            checkComplete(result, database);
        } catch (SQLException e) {
            throw new IllegalStateException("the checkpoint of " + database + " failed", e);
        }
    }

    /**
     * As {@link #checkpointTruncate(Path)}, on a read-write connection the client keeps open, with every other
     * connection of the process open too: none may have a statement or a transaction open (SQLite's
     * {@code TRUNCATE} waits for every reader to end), nothing else may write meanwhile, and no file handle on the
     * database or its shared memory is opened or closed around it. The connection's WAL index is current, so SQLite
     * does not rebuild it from the whole WAL as a connection opened for the checkpoint does, and the others keep
     * theirs (SQLite sees the WAL restart in the shared memory).
     *
     * @param connection an idle read-write connection to the database, in auto-commit mode
     * @param database   the database file, for messages
     * @throws IllegalStateException if the checkpoint does not complete
     */
    public static void checkpointTruncate(Connection connection, Path database) {
        try (Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
            checkComplete(result, database);
        } catch (SQLException e) {
            throw new IllegalStateException("the checkpoint of " + database + " failed", e);
        }
    }

    private static void checkComplete(ResultSet result, Path database) throws SQLException {
        result.next();
        if (result.getInt(1) != 0 || result.getInt(2) != result.getInt(3)) {
            throw new IllegalStateException("the checkpoint of " + database + " did not complete: busy="
                    + result.getInt(1) + " log=" + result.getInt(2) + " checkpointed=" + result.getInt(3));
        }
    }

    /**
     * Cuts the WAL back to a length (dropping the transactions after it) and removes the shared-memory index, which
     * the next connection rebuilds from the WAL. Call with every connection closed.
     *
     * @param database the database file
     * @param length   the length to keep
     */
    public static void truncateWal(Path database, long length) {
        Path wal = walOf(database);
        try {
            if (Files.exists(wal)) {
                try (FileChannel file = FileChannel.open(wal, StandardOpenOption.WRITE)) {
                    file.truncate(length);
                    file.force(true);
                }
            }
            Files.deleteIfExists(shmOf(database));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot truncate the write-ahead log " + wal, e);
        }
    }

    /**
     * Forces the WAL to disk, after frames were written to it by hand without a force. Only the {@code -wal} file is
     * opened, on which SQLite holds no lock.
     *
     * @param database the database file
     */
    public static void forceWal(Path database) {
        Path wal = walOf(database);
        try (FileChannel file = FileChannel.open(wal, StandardOpenOption.WRITE)) {
            file.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot force the write-ahead log " + wal, e);
        }
    }

    /**
     * Removes the shared-memory index after the WAL was written by hand. Call with every connection closed.
     *
     * @param database the database file
     */
    public static void dropSharedMemory(Path database) {
        try {
            Files.deleteIfExists(shmOf(database));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + shmOf(database), e);
        }
    }

    /**
     * Whether the database file is missing or empty.
     *
     * @param database the database file
     * @return whether it holds no page
     */
    public static boolean isEmpty(Path database) {
        try {
            return !Files.exists(database) || Files.size(database) == 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
