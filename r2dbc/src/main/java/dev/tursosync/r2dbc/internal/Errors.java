package dev.tursosync.r2dbc.internal;

import dev.tursosync.SyncClosedException;
import io.r2dbc.spi.R2dbcBadGrammarException;
import io.r2dbc.spi.R2dbcDataIntegrityViolationException;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcPermissionDeniedException;
import io.r2dbc.spi.R2dbcTimeoutException;
import io.r2dbc.spi.R2dbcTransientResourceException;
import java.sql.SQLException;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/** Maps JDBC and SQLite failures to the R2DBC exception hierarchy by SQLite's primary result code. */
public final class Errors {

    private static final int SQLITE_ERROR = 1;
    private static final int SQLITE_PERM = 3;
    private static final int SQLITE_BUSY = 5;
    private static final int SQLITE_LOCKED = 6;
    private static final int SQLITE_READONLY = 8;
    private static final int SQLITE_INTERRUPT = 9;
    private static final int SQLITE_CONSTRAINT = 19;
    private static final int SQLITE_MISMATCH = 20;
    private static final int SQLITE_AUTH = 23;

    private Errors() {
    }

    /**
     * Translates a failure; R2DBC exceptions and programming errors pass through unchanged.
     *
     * @param error the failure
     * @param sql   the statement that failed, or {@code null}
     * @return the exception to signal
     */
    public static Throwable translate(Throwable error, String sql) {
        if (error instanceof R2dbcException || error instanceof IllegalArgumentException
                || error instanceof IllegalStateException) {
            return error;
        }
        if (error instanceof SyncClosedException) {
            return new R2dbcNonTransientResourceException(error.getMessage(), error);
        }
        if (!(error instanceof SQLException sqlError)) {
            return error;
        }
        int code = primaryCode(sqlError);
        String message = sqlError.getMessage();
        String state = sqlError.getSQLState();
        return switch (code) {
            case SQLITE_BUSY, SQLITE_LOCKED -> new R2dbcTransientResourceException(message, state, code, sql, error);
            case SQLITE_CONSTRAINT, SQLITE_MISMATCH ->
                    new R2dbcDataIntegrityViolationException(message, state, code, sql, error);
            case SQLITE_PERM, SQLITE_READONLY, SQLITE_AUTH ->
                    new R2dbcPermissionDeniedException(message, state, code, sql, error);
            case SQLITE_INTERRUPT -> new R2dbcTimeoutException(message, state, code, sql, error);
            case SQLITE_ERROR -> new R2dbcBadGrammarException(message, state, code, sql, error);
            default -> new R2dbcNonTransientResourceException(message, state, code, sql, error);
        };
    }

    /**
     * Whether a failure is SQLite's {@code SQLITE_INTERRUPT}.
     *
     * @param error the failure
     * @return {@code true} if the statement was interrupted
     */
    static boolean isInterrupt(Throwable error) {
        return error instanceof SQLException sqlError && primaryCode(sqlError) == SQLITE_INTERRUPT;
    }

    /**
     * Whether a failure is SQLite's generic {@code SQLITE_ERROR}, which a statement that does not compile gives.
     *
     * @param error the failure
     * @return {@code true} for {@code SQLITE_ERROR}
     */
    static boolean isCompileError(SQLException error) {
        return primaryCode(error) == SQLITE_ERROR;
    }

    private static int primaryCode(SQLException error) {
        if (error instanceof SQLiteException sqlite && sqlite.getResultCode() != SQLiteErrorCode.UNKNOWN_ERROR) {
            return sqlite.getResultCode().code & 0xFF;
        }
        return error.getErrorCode() & 0xFF;
    }
}
