package dev.tursosync.internal.sqlite;

/** Page images or records that do not follow the SQLite file format. */
public final class SqliteFormatException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is malformed and where
     */
    public SqliteFormatException(String message) {
        super(message);
    }
}
