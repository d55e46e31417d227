package dev.tursosync.internal.capture;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * What a pull needs to know of the change log before it replaces the local state: the rows still to push, and the
 * last id the log handed out since it was created (its largest id, which a push never deletes: see
 * {@link ChangeLog}; or, in a log created by an earlier version, its {@code AUTOINCREMENT} counter).
 *
 * <p>A pull drops the log with the rest of the local state (the remote has none), so the ids of the log created after
 * it start again from 1. Pushes record each id on the remote with the pull generation it belongs to; a log that starts
 * again in a generation whose ids were already handed out would reuse ids the remote may record as pushed, and the
 * next push or rebase would take new changes for pushed ones. {@link #idsStartAgain()} tells when a pull must move the
 * generation on before its pages can reach the database.
 *
 * <p>The log's rows go with where the pushes of earlier generations end in their numbering
 * ({@link CarriedPositions}): the replay of the rows in the next generation needs both.
 *
 * @param rows        every row of the log, in id order (none when capture is not installed)
 * @param lastIdTaken the last id handed out since the log was created, 0 if none (or no log)
 * @param carried     where pushes of earlier generations end in the rows' numbering
 */
public record PendingLog(List<LogRow> rows, long lastIdTaken, CarriedPositions carried) {

    /** No log: an empty database, or one where capture was never installed. */
    public static final PendingLog NONE = new PendingLog(List.of(), 0, CarriedPositions.NONE);

    /**
     * Reads the log.
     *
     * @param connection a connection to the replica
     * @return the rows and the last id taken
     * @throws SQLException if reading fails
     */
    public static PendingLog read(Connection connection) throws SQLException {
        if (!ChangeLog.exists(connection)) {
            return NONE;
        }
        long lastIdTaken = Math.max(ChangeLog.largestId(connection), autoincrementCounter(connection));
        return new PendingLog(ChangeLog.readRows(connection), lastIdTaken, CarriedPositions.read(connection));
    }

    /**
     * The {@code AUTOINCREMENT} counter of a log created by an earlier version (0 for a log without one): such a log
     * deleted every row a push sent, so only the counter remembers them.
     */
    private static long autoincrementCounter(Connection connection) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'sqlite_sequence'")) {
            try (ResultSet row = query.executeQuery()) {
                if (!row.next()) {
                    return 0;
                }
            }
        }
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = ?), 0)")) {
            query.setString(1, CaptureNames.LOG);
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    /**
     * Whether a pull that appends pages now makes the log start again at id 1 in a generation that already handed
     * out ids: nothing is pending (a pull over pending changes replays them in a new generation, through its journal)
     * and some id was taken since the log was created.
     *
     * @return whether the generation must move on before the pull writes
     */
    public boolean idsStartAgain() {
        return rows.isEmpty() && lastIdTaken > 0;
    }
}
