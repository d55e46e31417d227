package dev.tursosync.internal.rebase;

import dev.tursosync.Mutation;
import dev.tursosync.MutationResult;
import dev.tursosync.ReplayFailedException;
import dev.tursosync.SyncProtocolException;
import dev.tursosync.internal.capture.CapturedChange;
import dev.tursosync.internal.capture.ChangeCapture;
import dev.tursosync.internal.hrana.HranaStatement;
import dev.tursosync.internal.hrana.HranaValue;
import dev.tursosync.internal.push.RemotePosition;
import dev.tursosync.internal.push.ReplayStatements;
import dev.tursosync.internal.push.TableKeys;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Replays pending local changes on top of freshly pulled remote pages, in the caller's open transaction.
 *
 * <p>The remote state has no change log, so capture is installed first; the replayed statements are then captured
 * again like any local write, with new change ids (a new pull generation). Changes the pulled state already holds
 * are skipped: this client's row of {@code turso_sync_last_change_id} in the pulled pages says how far its pushes
 * got in the generation the changes were captured in (the official client's change-id floor). Every row change goes
 * through the transform hook, as in a push; schema changes are replayed as captured.
 */
public final class LocalReplay {

    private final ChangeCapture capture;
    private final Function<Mutation, MutationResult> transform;

    /**
     * Creates a replay.
     *
     * @param capture   the client's change capture
     * @param transform the transform hook
     */
    public LocalReplay(ChangeCapture capture, Function<Mutation, MutationResult> transform) {
        this.capture = capture;
        this.transform = transform;
    }

    /**
     * Installs capture and replays the changes above the floor.
     *
     * @param connection     a read-write connection inside an open transaction, seeing the pulled state
     * @param clientId       this client's id
     * @param fromGeneration the generation the changes were captured in
     * @param revision       the pulled revision, for error messages
     * @param changes        the pending changes in id order
     * @return how many changes were replayed
     * @throws ReplayFailedException if a change fails; the caller rolls the transaction back
     * @throws SQLException          if installing capture fails
     */
    public int replay(Connection connection, String clientId, long fromGeneration, String revision,
                      List<CapturedChange> changes) throws SQLException {
        long floor = floor(connection, clientId, fromGeneration);
        capture.initialize(connection);
        List<CapturedChange> pending = changes.stream().filter(change -> change.id() > floor).toList();
        TableKeys keys = TableKeys.read(connection, pending.stream().map(CapturedChange::table).distinct().toList());
        int replayed = 0;
        for (CapturedChange change : pending) {
            try {
                Optional<HranaStatement> statement = change.operation() == CapturedChange.Operation.SCHEMA
                        ? ReplayStatements.of(change, List.of())
                        : ReplayStatements.transformed(change, keys, transform);
                if (statement.isPresent()) {
                    execute(connection, statement.get());
                    capture.afterStatement(connection, statement.get().sql());
                    replayed++;
                }
                if (change.operation() == CapturedChange.Operation.SCHEMA) {
                    keys = TableKeys.read(connection, pending.stream().map(CapturedChange::table).distinct()
                            .toList());
                }
            } catch (SQLException e) {
                if (isRepeatedColumnAddition(change, e)) {
                    continue;
                }
                throw new ReplayFailedException(change.id(), change.table(), change.operation().name(), revision,
                        e.getMessage(), e);
            }
        }
        return replayed;
    }

    /**
     * The last change id the pulled state already holds, for the generation the changes belong to.
     */
    private static long floor(Connection connection, String clientId, long fromGeneration) throws SQLException {
        try (PreparedStatement exists = connection.prepareStatement(
                "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'turso_sync_last_change_id'")) {
            try (ResultSet row = exists.executeQuery()) {
                if (!row.next()) {
                    return 0;
                }
            }
        }
        try (PreparedStatement query = connection.prepareStatement(RemotePosition.SELECT)) {
            query.setString(1, clientId);
            try (ResultSet row = query.executeQuery()) {
                if (!row.next()) {
                    return 0;
                }
                long generation = row.getLong(1);
                long changeId = row.getLong(2);
                if (generation > fromGeneration) {
                    throw new SyncProtocolException("the pulled state records pull generation " + generation
                            + " for this client, ahead of the local " + fromGeneration);
                }
                return generation == fromGeneration ? changeId : 0;
            }
        }
    }

    /** The remote added the same column already: the replay has nothing to do (the official client agrees). */
    private static boolean isRepeatedColumnAddition(CapturedChange change, SQLException error) {
        return change.operation() == CapturedChange.Operation.SCHEMA && change.sql() != null
                && change.sql().toUpperCase(java.util.Locale.ROOT).contains("ADD")
                && error.getMessage() != null && error.getMessage().contains("duplicate column name");
    }

    private static void execute(Connection connection, HranaStatement statement) throws SQLException {
        try (PreparedStatement prepared = connection.prepareStatement(statement.sql())) {
            List<HranaValue> args = statement.args();
            for (int i = 0; i < args.size(); i++) {
                prepared.setObject(i + 1, args.get(i).toJava());
            }
            prepared.execute();
        }
    }
}
