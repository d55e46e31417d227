package dev.tursosync.internal.rebase;

import dev.tursosync.Mutation;
import dev.tursosync.MutationResult;
import dev.tursosync.ReplayFailedException;
import dev.tursosync.internal.capture.CapturedChange;
import dev.tursosync.internal.capture.CarriedPositions;
import dev.tursosync.internal.capture.ChangeCapture;
import dev.tursosync.internal.capture.ChangeLog;
import dev.tursosync.internal.hrana.AtomicBatch;
import dev.tursosync.internal.hrana.HranaStatement;
import dev.tursosync.internal.hrana.HranaValue;
import dev.tursosync.internal.push.RemotePosition;
import dev.tursosync.internal.push.ReplayStatements;
import dev.tursosync.internal.push.TableKeys;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Replays pending local changes on top of freshly pulled remote pages, in the caller's open transaction.
 *
 * <p>The remote state has no change log, so capture is installed first; the replayed statements are then captured
 * again like any local write, with new change ids (a new pull generation). Changes the pulled state already holds
 * are skipped: this client's row of {@code turso_sync_last_change_id} in the pulled pages says how far its pushes
 * got in the generation the changes were captured in (the official client's change-id floor), or, for a position of
 * an earlier generation, where that position ends in the changes' numbering ({@link CarriedPositions}). Every row
 * change goes through the transform hook, as in a push; schema changes are replayed as captured. The replay writes
 * where every position a push may have left on the remote ends in the new numbering, so that a push batch whose
 * answer never came, and which reaches the remote after this replay, is still recognised ({@link CarryOver}).
 */
public final class LocalReplay {

    private static final List<String> ROW_KEYWORDS = List.of("INSERT", "UPDATE", "DELETE", "REPLACE");

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
     * @param carried        where pushes of earlier generations end in the changes' numbering
     * @return how many changes were replayed
     * @throws ReplayFailedException if a change fails; the caller rolls the transaction back
     * @throws SQLException          if installing capture fails
     */
    public int replay(Connection connection, String clientId, long fromGeneration, String revision,
                      List<CapturedChange> changes, CarriedPositions carried) throws SQLException {
        CarryOver carryOver = CarryOver.from(remotePosition(connection, clientId), fromGeneration, carried);
        List<CapturedChange> pending = changes.stream().filter(change -> change.id() > carryOver.floor()).toList();
        if (carryOver.writesEntries(pending)) {
            // before capture is installed: capture then knows the schema this transaction leaves, and the connection,
            // which goes to the pool, needs no capture check when it is next prepared
            CarriedPositions.createTable(connection);
        }
        capture.initialize(connection);
        TableKeys keys = TableKeys.read(connection, pending.stream().map(CapturedChange::table).distinct().toList());
        int replayed = 0;
        Map<String, PreparedStatement> prepared = new HashMap<>();
        try (ChangeLog.KeptInserts keptInserts = ChangeLog.keptInserts(connection)) {
            for (int i = 0; i < pending.size(); i++) {
                CapturedChange change = pending.get(i);
                if (replayOne(connection, change, keys, prepared, keptInserts, revision)) {
                    replayed++;
                }
                if (carryOver.wantsPosition(change, i + 1 < pending.size() ? pending.get(i + 1) : null)) {
                    carryOver.replayedThrough(change.id(), keptInserts.lastChangeId());
                }
                if (change.operation() == CapturedChange.Operation.SCHEMA) {
                    closeAll(prepared);
                    keys = TableKeys.read(connection, pending.stream().map(CapturedChange::table).distinct()
                            .toList());
                }
            }
            endKeptInserts(keptInserts, pending, revision);
        } finally {
            closeAll(prepared);
        }
        carryOver.result().write(connection);
        return replayed;
    }

    /**
     * Replays one change. Row statements are prepared once per text (their texts are built once per shape, by
     * {@link TableKeys}), and the log's statements around the kept inserts once per replay, run once per run of
     * consecutive kept inserts; anything else (schema changes, a rewrite that is not plain DML) is told to capture,
     * which logs DDL and re-creates triggers. A schema change the pulled state already has (its probe says so) is
     * skipped.
     */
    private boolean replayOne(Connection connection, CapturedChange change, TableKeys keys,
                              Map<String, PreparedStatement> prepared, ChangeLog.KeptInserts keptInserts,
                              String revision) throws SQLException {
        try {
            boolean generated = change.operation() != CapturedChange.Operation.SCHEMA;
            MutationResult decision = ReplayStatements.decide(change, transform);
            List<AtomicBatch.Entry> entries = ReplayStatements.decided(change, keys, decision);
            boolean keptInsert = change.operation() == CapturedChange.Operation.INSERT
                    && decision.kind() == MutationResult.Kind.KEEP;
            // only kept inserts, replayed as upserts, need to know where their captured rows start
            if (keptInsert) {
                keptInserts.beforeKeptInsert();
            } else {
                keptInserts.afterKeptInserts();
            }
            boolean replayed = false;
            for (AtomicBatch.Entry entry : entries) {
                if (alreadyDone(connection, entry)) {
                    continue;
                }
                execute(connection, entry.statement(), generated, prepared);
                replayed = true;
            }
            return replayed;
        } catch (SQLException e) {
            throw new ReplayFailedException(change.id(), change.table(), change.operation().name(), revision,
                    e.getMessage(), e);
        } catch (UncheckedSqlException e) {
            throw new ReplayFailedException(change.id(), change.table(), change.operation().name(), revision,
                    e.getCause().getMessage(), e.getCause());
        }
    }

    /** Ends the last run of kept inserts; a failure names the last change, a kept insert of that run. */
    private static void endKeptInserts(ChangeLog.KeptInserts keptInserts, List<CapturedChange> pending,
                                       String revision) {
        try {
            keptInserts.afterKeptInserts();
        } catch (SQLException e) {
            CapturedChange last = pending.get(pending.size() - 1);
            throw new ReplayFailedException(last.id(), last.table(), last.operation().name(), revision,
                    e.getMessage(), e);
        }
    }

    private void execute(Connection connection, HranaStatement statement, boolean generated,
                         Map<String, PreparedStatement> prepared) throws SQLException {
        boolean mayChangeSchema = !generated || !isRowStatement(statement.sql());
        if (mayChangeSchema) {
            capture.beforeStatement(connection, statement.sql());
        }
        PreparedStatement sql = mayChangeSchema ? connection.prepareStatement(statement.sql())
                : prepared.computeIfAbsent(statement.sql(), text -> prepare(connection, text));
        try {
            bind(sql, statement.args());
            sql.execute();
        } finally {
            if (mayChangeSchema) {
                sql.close();
            }
        }
        if (mayChangeSchema) {
            capture.afterStatement(connection, statement.sql());
        }
    }

    /** Whether an entry's probes say the database already has its effect. */
    private static boolean alreadyDone(Connection connection, AtomicBatch.Entry entry) {
        for (AtomicBatch.Probe probe : entry.probes()) {
            if (succeeds(connection, probe.query().sql()) != probe.neededWhenOk()) {
                return true;
            }
        }
        return false;
    }

    private static boolean succeeds(Connection connection, String query) {
        try (PreparedStatement probe = connection.prepareStatement(query)) {
            probe.executeQuery().close();
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    /** Whether a statement only writes rows (a generated one, or a rewrite that is plain DML). */
    private static boolean isRowStatement(String sql) {
        int start = 0;
        while (start < sql.length() && Character.isWhitespace(sql.charAt(start))) {
            start++;
        }
        for (String keyword : ROW_KEYWORDS) {
            if (sql.regionMatches(true, start, keyword, 0, keyword.length())) {
                return true;
            }
        }
        return false;
    }

    private static PreparedStatement prepare(Connection connection, String sql) {
        try {
            return connection.prepareStatement(sql);
        } catch (SQLException e) {
            throw new UncheckedSqlException(e);
        }
    }

    private static void closeAll(Map<String, PreparedStatement> prepared) throws SQLException {
        for (PreparedStatement statement : prepared.values()) {
            statement.close();
        }
        prepared.clear();
    }

    /** Carries a prepare failure out of {@code computeIfAbsent}. */
    private static final class UncheckedSqlException extends RuntimeException {
        UncheckedSqlException(SQLException cause) {
            super(cause);
        }
    }

    /** This client's position in the pulled state's {@code turso_sync_last_change_id}, if it has one. */
    private static Optional<RemotePosition> remotePosition(Connection connection, String clientId)
            throws SQLException {
        try (PreparedStatement exists = connection.prepareStatement(
                "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'turso_sync_last_change_id'")) {
            try (ResultSet row = exists.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
            }
        }
        try (PreparedStatement query = connection.prepareStatement(RemotePosition.SELECT)) {
            query.setString(1, clientId);
            try (ResultSet row = query.executeQuery()) {
                return row.next() ? Optional.of(new RemotePosition(row.getLong(1), row.getLong(2)))
                        : Optional.empty();
            }
        }
    }

    private static void bind(PreparedStatement statement, List<HranaValue> args) throws SQLException {
        for (int i = 0; i < args.size(); i++) {
            statement.setObject(i + 1, args.get(i).toJava());
        }
    }
}
