package dev.tursosync.internal.pull;

import dev.tursosync.SyncProtocolException;
import dev.tursosync.internal.db.ReplicaConnections;
import dev.tursosync.internal.sqlite.PageNumberSet;
import dev.tursosync.internal.sqlite.PageSource;
import dev.tursosync.internal.transport.PulledPage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a bootstrap's file before it is installed: the pages as {@link PullValidator} checks a pull, and SQLite's
 * {@code PRAGMA quick_check} on the whole file (opened immutable, so no lock, WAL or shared memory file is involved).
 * The two are independent, so {@link SnapshotFileWriter} runs them at the same time.
 */
final class SnapshotCheck {

    /** The most problems quick_check reports in the error. */
    private static final int MAX_PROBLEMS = 5;

    private SnapshotCheck() {
    }

    /**
     * Checks the pages of the written snapshot as {@link PullValidator} checks a pull. The file must not change while
     * it is checked.
     *
     * @param file              the written file, not yet in place
     * @param received          the pages the server sent
     * @param streamed          what was checked of them while they streamed
     * @param databaseSizePages the size the server announced
     * @throws SyncProtocolException if the snapshot is malformed
     */
    static void checkPages(Path file, PageNumberSet received, StreamedPageChecks streamed, long databaseSizePages) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            PullValidator.check(received, PageSource.ofUnchangingFile(channel, PulledPage.PAGE_SIZE), page -> null, 0,
                    databaseSizePages, streamed);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the bootstrapped database " + file, e);
        }
    }

    /**
     * Runs SQLite's {@code PRAGMA quick_check} on a whole database file the server sent, before it is installed.
     *
     * @param file the file, not yet in place
     * @throws SyncProtocolException if SQLite finds a problem or cannot read the file
     */
    static void quickCheck(Path file) {
        List<String> problems = new ArrayList<>();
        try (Connection connection = ReplicaConnections.open(file, ReplicaConnections.Role.CHECK_ONLY);
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("PRAGMA quick_check(" + MAX_PROBLEMS + ")")) {
            while (rows.next()) {
                problems.add(rows.getString(1));
            }
        } catch (SQLException e) {
            throw new SyncProtocolException("the database the server sent fails SQLite's quick_check: "
                    + e.getMessage(), e);
        }
        if (!problems.equals(List.of("ok"))) {
            throw new SyncProtocolException("the database the server sent fails SQLite's quick_check: " + problems);
        }
    }
}
