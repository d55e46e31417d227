package dev.tursosync.internal.wal;

/**
 * A WAL file that cannot be used as asked: not a WAL at all, a WAL version SQLite cannot open, a page size other
 * than the caller's, or a file that changed after it was scanned.
 */
public final class WalFormatException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong, naming the file
     */
    public WalFormatException(String message) {
        super(message);
    }
}
