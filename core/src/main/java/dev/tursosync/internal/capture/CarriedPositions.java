package dev.tursosync.internal.capture;

import dev.tursosync.SyncProtocolException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Where the pushes of earlier pull generations end in the change log's current numbering, kept in
 * {@value CaptureNames#CARRIED} beside the log and in the same transactions.
 *
 * <p>A pull over pending changes replays them in a new pull generation, with new ids. A push batch of an earlier
 * generation whose answer never came (the push was cancelled or timed out, or its process was killed) can still reach
 * the remote after that pull, and the remote then records {@code (earlier generation, id)} as this client's position.
 * Read as a position of an unknown numbering, it would make the next push send everything again, and the next pull
 * replay everything again, leaving that batch's changes twice on the remote. Each entry maps such a position to the
 * current numbering: if the remote records {@code (generation, changeId)}, the current log's changes up to
 * {@code throughId} are on the remote.
 *
 * <p>A batch of an earlier generation can only commit while the remote still holds the position it expects, so the
 * entries matter until a push of a later generation moves the position; a pull drops the entries of generations older
 * than the one the pulled state records.
 *
 * @param entries the entries, in no particular order
 */
public record CarriedPositions(List<Entry> entries) {

    /** None: no pull over pending changes since capture was installed, or every entry is out of date. */
    public static final CarriedPositions NONE = new CarriedPositions(List.of());

    private static final String CREATE = "CREATE TABLE IF NOT EXISTS " + CaptureNames.CARRIED
            + " (generation INTEGER NOT NULL, change_id INTEGER NOT NULL, through_id INTEGER NOT NULL,"
            + " PRIMARY KEY (generation, change_id)) WITHOUT ROWID";

    /**
     * One position of an earlier generation.
     *
     * @param generation the earlier pull generation
     * @param changeId   a change id of that generation at which a push batch may have ended
     * @param throughId  the last id, in the current numbering, of what the changes up to {@code changeId} became;
     *                   0 when they became nothing still in the log
     */
    public record Entry(long generation, long changeId, long throughId) {
    }

    /**
     * Validates the entries.
     *
     * @param entries see {@link #entries()}; {@code null} (a journal of an earlier version) reads as none
     */
    public CarriedPositions {
        entries = entries == null ? List.of() : List.copyOf(entries);
    }

    /**
     * Reads the entries the connection sees.
     *
     * @param connection a connection to the replica
     * @return the entries; {@link #NONE} when the table does not exist
     * @throws SQLException if reading fails
     */
    public static CarriedPositions read(Connection connection) throws SQLException {
        try (PreparedStatement exists = connection.prepareStatement(
                "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?")) {
            exists.setString(1, CaptureNames.CARRIED);
            try (ResultSet row = exists.executeQuery()) {
                if (!row.next()) {
                    return NONE;
                }
            }
        }
        List<Entry> entries = new ArrayList<>();
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT generation, change_id, through_id FROM "
                     + CaptureNames.CARRIED)) {
            while (rows.next()) {
                entries.add(new Entry(rows.getLong(1), rows.getLong(2), rows.getLong(3)));
            }
        }
        return new CarriedPositions(entries);
    }

    /**
     * Creates the table if it does not exist (inside the caller's transaction). A replay creates it before it installs
     * capture, so that capture has seen the schema the replay's transaction leaves.
     *
     * @param connection a read-write connection
     * @throws SQLException if SQLite refuses
     */
    public static void createTable(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(CREATE);
        }
    }

    /**
     * Writes these entries in place of the ones the connection sees (inside the caller's transaction); writes
     * nothing, and creates no table, when there are none and no table exists.
     *
     * @param connection a read-write connection
     * @throws SQLException if SQLite refuses
     */
    public void write(Connection connection) throws SQLException {
        if (entries.isEmpty() && read(connection).entries().isEmpty()) {
            return;
        }
        createTable(connection);
        try (Statement statement = connection.createStatement()) {
            statement.execute("DELETE FROM " + CaptureNames.CARRIED);
        }
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + CaptureNames.CARRIED
                + " (generation, change_id, through_id) VALUES (?, ?, ?)")) {
            for (Entry entry : entries) {
                insert.setLong(1, entry.generation());
                insert.setLong(2, entry.changeId());
                insert.setLong(3, entry.throughId());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /**
     * The last id of the current numbering that a position of an earlier generation covers.
     *
     * @param generation the position's generation
     * @param changeId   the position's change id
     * @return the id (0: none of the current log), or empty when no entry is of that generation (its changes are
     *         not in the current log)
     * @throws SyncProtocolException if the position is beyond the last change of that generation that was replayed:
     *                               no batch of this client can have left it, and nothing may be dropped for it
     */
    public OptionalLong throughId(long generation, long changeId) {
        Entry best = null;
        long last = -1;
        for (Entry entry : entries) {
            if (entry.generation() != generation) {
                continue;
            }
            last = Math.max(last, entry.changeId());
            if (entry.changeId() <= changeId && (best == null || entry.changeId() > best.changeId())) {
                best = entry;
            }
        }
        if (last < 0) {
            return OptionalLong.empty();
        }
        if (changeId > last) {
            throw new SyncProtocolException("the remote records change " + changeId + " of pull generation "
                    + generation + " as pushed by this client, beyond the last change of that generation it replayed ("
                    + last + "); nothing is dropped locally");
        }
        return OptionalLong.of(best == null ? 0 : best.throughId());
    }
}
