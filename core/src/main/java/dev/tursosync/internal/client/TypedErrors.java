package dev.tursosync.internal.client;

import dev.tursosync.SyncProtocolException;
import dev.tursosync.TursoSyncException;
import dev.tursosync.internal.sqlite.SqliteFormatException;
import dev.tursosync.internal.wal.WalFormatException;
import java.io.UncheckedIOException;
import java.util.concurrent.CancellationException;

/**
 * The last line of the public API's error contract: every error an operation ends with is a
 * {@link TursoSyncException}, with the original as its cause. Data the client could not read (a malformed page or
 * WAL) is a protocol error; anything else left untyped is reported as it is, wrapped.
 */
final class TypedErrors {

    private TypedErrors() {
    }

    /**
     * The typed form of an error.
     *
     * @param error    the error an operation ended with
     * @param database the replica, for the message
     * @return the error itself when typed already (or an {@link Error} or a cancellation), else a wrapper
     */
    static Throwable typed(Throwable error, Object database) {
        if (error instanceof TursoSyncException || error instanceof Error || error instanceof CancellationException) {
            return error;
        }
        if (error instanceof SqliteFormatException || error instanceof WalFormatException
                || error instanceof ArithmeticException) {
            return new SyncProtocolException("malformed data in " + database + ": " + error.getMessage(), error);
        }
        if (error instanceof UncheckedIOException) {
            return new TursoSyncException("an I/O error on " + database + ": " + error.getMessage(), error);
        }
        return new TursoSyncException("the sync client failed on " + database + ": " + error, error);
    }
}
