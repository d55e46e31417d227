package dev.tursosync;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * Another client already has this replica open, in this JVM or in another process. A replica has one owner: the
 * client that opened it holds an operating-system lock on {@code <db>-lock} until it closes (or its process dies),
 * and a second {@link SyncClient#open()} of the same database fails at once with this exception, touching nothing of
 * the first client's files. Close the other client (or stop the other process) and open again.
 */
public final class ReplicaInUseException extends TursoSyncException {

    private final transient Path database;

    /**
     * Creates the exception.
     *
     * @param database the database file that is in use
     * @param cause    the underlying error, or {@code null}
     */
    public ReplicaInUseException(Path database, @Nullable Throwable cause) {
        super("the replica " + database + " is already open by another sync client (in this process or another); "
                + "a replica has one owner at a time: close the other client first", cause);
        this.database = database;
    }

    /**
     * The database file that is in use.
     *
     * @return the path, as configured
     */
    public Path database() {
        return database;
    }
}
