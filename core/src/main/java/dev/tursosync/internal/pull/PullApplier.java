package dev.tursosync.internal.pull;

import dev.tursosync.ChangeEvent;
import dev.tursosync.PendingLocalChangesException;
import dev.tursosync.internal.capture.ChangeLog;
import dev.tursosync.internal.events.ChangeEventDecoder;
import dev.tursosync.internal.io.Durability;
import dev.tursosync.internal.sqlite.PageNumberSet;
import dev.tursosync.internal.sqlite.PageSource;
import dev.tursosync.internal.wal.WalFrame;
import dev.tursosync.internal.wal.WalScan;
import dev.tursosync.internal.wal.WalScanner;
import dev.tursosync.internal.wal.WalWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Iterator;
import java.util.List;
import org.sqlite.SQLiteConfig;

/**
 * Applies a staged pull to the database while no connection is open (the caller holds the exclusive permit).
 *
 * <p>The staged pages are appended to the write-ahead log as one committed transaction whose commit frame carries
 * the new database size, forced to disk, and folded into the database file by a {@code TRUNCATE} checkpoint. SQLite
 * recovery treats a torn append as absent, so a crash leaves the old state or the new one; and since page images
 * are idempotent, applying the same staged pull again after a crash yields the same new state. An empty database
 * gets its first pages through a new file renamed into place instead.
 */
public final class PullApplier {

    private static final int PAGE_SIZE = 4096;

    private final Path database;
    private final Path wal;
    private final ChangeEventDecoder decoder;

    /**
     * Creates an applier.
     *
     * @param database the database file
     * @param decoder  computes change events from old and new pages
     */
    public PullApplier(Path database, ChangeEventDecoder decoder) {
        this.database = database;
        this.wal = database.resolveSibling(database.getFileName() + "-wal");
        this.decoder = decoder;
    }

    /**
     * How many captured local changes wait to be pushed, read through a read-only connection (which never
     * checkpoints the log when it closes). Call inside the exclusive window, where nothing else is open.
     *
     * @return the number of pending changes, 0 for an empty database
     */
    public long pendingChanges() {
        if (isEmpty(database)) {
            return 0;
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout(10_000);
        try (Connection connection = config.createConnection("jdbc:sqlite:" + database)) {
            return ChangeLog.pendingCount(connection);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot count the pending local changes of " + database, e);
        }
    }

    /**
     * Fails when local changes wait to be pushed: the pull would replace the database underneath them. Call inside
     * the exclusive window; the staged pull is abandoned first (the next pull fetches it again).
     *
     * @param abandon drops the staged pull
     * @throws PendingLocalChangesException if there are pending changes
     */
    public void requireNoPendingChangesOrAbandon(Runnable abandon) {
        long pending = pendingChanges();
        if (pending > 0) {
            abandon.run();
            throw pendingError(pending);
        }
    }

    /**
     * The error for a pull refused because of pending local changes.
     *
     * @param pending how many changes wait
     * @return the error
     */
    public static PendingLocalChangesException pendingError(long pending) {
        return new PendingLocalChangesException(pending + " local change(s) have not been pushed; pulling would "
                + "replace the database underneath them. Push first (or use sync()).");
    }

    /**
     * Applies a staged pull. Call only with every connection closed.
     *
     * @param stage            the stage file
     * @param databaseSizePages the database size at the staged revision
     * @param withEvents       whether to compute change events (not when finishing an interrupted pull)
     * @return the change events
     */
    public List<ChangeEvent> apply(Path stage, long databaseSizePages, boolean withEvents) {
        try (StagedPages staged = StagedPages.open(stage)) {
            List<ChangeEvent> events = withEvents ? decodeEvents(staged) : List.of();
            if (isEmpty(database)) {
                replaceEmptyDatabase(staged, databaseSizePages);
            } else {
                discardLocalLog();
                WalWriter.appendTransaction(wal, PAGE_SIZE, frames(staged), Math.toIntExact(databaseSizePages));
                checkpoint();
            }
            return events;
        }
    }

    /**
     * SQLite discards the WAL of an empty database file instead of recovering it, so the first pages of a
     * database are written into a new file, forced, and renamed over the empty one.
     */
    private void replaceEmptyDatabase(StagedPages staged, long databaseSizePages) {
        Path fresh = database.resolveSibling(database.getFileName() + ".pulled");
        try {
            try (FileChannel file = FileChannel.open(fresh, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                for (long pageNumber : staged.pageNumbers()) {
                    PageStreamConsumer.writeFully(file, ByteBuffer.wrap(staged.page(pageNumber)),
                            (pageNumber - 1) * PAGE_SIZE);
                }
                file.truncate(databaseSizePages * PAGE_SIZE);
                file.force(true);
            }
            Files.deleteIfExists(wal);
            Files.move(fresh, database, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Durability.forceFolder(database);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the pulled database " + database, e);
        }
    }

    /**
     * Drops the local write-ahead log. The database file is the synced state (every pull ends with a full
     * checkpoint and nothing else checkpoints), and the log holds only local writes whose changes the remote
     * already has (the caller checked that none is pending), so the remote pages go on top of the synced state.
     */
    private void discardLocalLog() {
        try {
            if (Files.exists(wal) && Files.size(wal) > 0) {
                try (FileChannel file = FileChannel.open(wal, StandardOpenOption.WRITE)) {
                    file.truncate(0);
                    file.force(true);
                }
            }
            Files.deleteIfExists(database.resolveSibling(database.getFileName() + "-shm"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reset the write-ahead log " + wal, e);
        }
    }

    private static boolean isEmpty(Path file) {
        try {
            return !Files.exists(file) || Files.size(file) == 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<ChangeEvent> decodeEvents(StagedPages staged) {
        if (isEmpty(database)) {
            return decoder.decode(pageNumber -> null, staged::page, PageNumberSet.of(staged.pageNumbers()));
        }
        try (FileChannel file = FileChannel.open(database, StandardOpenOption.READ)) {
            PageSource before = PageSource.ofFile(file, PAGE_SIZE);
            PageSource after = pageNumber -> {
                byte[] page = staged.page(pageNumber);
                return page != null ? page : before.page(pageNumber);
            };
            return decoder.decode(before, after, PageNumberSet.of(staged.pageNumbers()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Iterator<WalFrame> frames(StagedPages staged) {
        Iterator<Long> numbers = staged.pageNumbers().iterator();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return numbers.hasNext();
            }

            @Override
            public WalFrame next() {
                long pageNumber = numbers.next();
                return WalFrame.of(Math.toIntExact(pageNumber), staged.page(pageNumber));
            }
        };
    }

    /** Folds the log into the database file; the file then equals the remote at the new revision. */
    private void checkpoint() {
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(10_000);
        try (Connection connection = config.createConnection("jdbc:sqlite:" + database);
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
            result.next();
            if (result.getInt(1) != 0 || result.getInt(2) != result.getInt(3)) {
                throw new IllegalStateException("the checkpoint after a pull did not complete: busy="
                        + result.getInt(1) + " log=" + result.getInt(2) + " checkpointed=" + result.getInt(3));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the checkpoint after a pull failed", e);
        }
    }
}
