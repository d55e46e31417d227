package dev.tursosync.internal.push;

import static dev.tursosync.internal.sql.Identifiers.quote;
import static dev.tursosync.internal.sql.Identifiers.quoteAll;

import dev.tursosync.Mutation;
import dev.tursosync.MutationResult;
import java.util.function.Function;
import dev.tursosync.internal.capture.CapturedChange;
import dev.tursosync.internal.hrana.HranaStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The SQL that replays a captured change on another database.
 *
 * <ul>
 *   <li>Insert: an upsert on the primary key, {@code INSERT ... ON CONFLICT(pk) DO UPDATE SET} every other
 *       column; a plain {@code INSERT} for a table without a primary key.</li>
 *   <li>Update: {@code UPDATE ... SET} the columns that changed {@code WHERE} the key of the row <em>before</em>
 *       the change, so an update of the primary key itself reaches the remote.</li>
 *   <li>Delete: {@code DELETE ... WHERE} the key of the row.</li>
 *   <li>Tables without a primary key: the remote row is found by all its old values
 *       ({@code rowid = (SELECT rowid ... WHERE every column IS ? LIMIT 1)}), never by the local rowid, which
 *       another replica may use for a different row. A change can then only touch a row with exactly the same
 *       values.</li>
 *   <li>Schema changes: the captured DDL.</li>
 * </ul>
 * Key comparisons use {@code IS} so a {@code NULL} in a (non-rowid) key column still matches.
 */
public final class ReplayStatements {

    private ReplayStatements() {
    }

    /**
     * The statement for a change.
     *
     * @param change     the change
     * @param primaryKey the table's primary-key columns, empty if none
     * @return the statement, or empty for an update that changed no value
     */
    public static Optional<HranaStatement> of(CapturedChange change, List<String> primaryKey) {
        return switch (change.operation()) {
            case SCHEMA -> Optional.of(HranaStatement.update(change.sql()));
            case INSERT -> Optional.of(insert(change.table(), change.after(), primaryKey));
            case UPDATE -> update(change.table(), change.before(), change.after(), primaryKey);
            case DELETE -> Optional.of(delete(change.table(), change.before(), primaryKey));
        };
    }

    /**
     * The statement for a change after the transform hook decided: the generated one (kept), none (skipped) or the
     * hook's (rewritten). Schema changes do not go through the hook.
     *
     * @param change    the change
     * @param keys      the primary keys of the tables involved
     * @param transform the hook
     * @return the statement, or empty when there is nothing to run
     */
    public static Optional<HranaStatement> transformed(CapturedChange change, TableKeys keys,
                                                         Function<Mutation, MutationResult> transform) {
        if (change.operation() == CapturedChange.Operation.SCHEMA) {
            return of(change, List.of());
        }
        MutationResult decision = transform.apply(PushBatch.mutation(change));
        if (decision == null || decision.kind() == MutationResult.Kind.KEEP) {
            return of(change, keys.of(change.table()));
        }
        if (decision.kind() == MutationResult.Kind.SKIP) {
            return Optional.empty();
        }
        return Optional.of(HranaStatement.update(decision.sql(), decision.args().toArray()));
    }

    private static HranaStatement insert(String table, Map<String, Object> after, List<String> primaryKey) {
        List<String> columns = new ArrayList<>(after.keySet());
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(quote(table)).append('(')
                .append(quoteAll(columns)).append(") VALUES (")
                .append(columns.stream().map(column -> "?").collect(Collectors.joining(","))).append(')');
        if (!primaryKey.isEmpty() && columns.containsAll(primaryKey)) {
            List<String> others = columns.stream().filter(column -> !primaryKey.contains(column)).toList();
            sql.append(" ON CONFLICT(").append(quoteAll(primaryKey)).append(')');
            if (others.isEmpty()) {
                sql.append(" DO NOTHING");
            } else {
                sql.append(" DO UPDATE SET ").append(others.stream()
                        .map(column -> quote(column) + "=excluded." + quote(column))
                        .collect(Collectors.joining(",")));
            }
        }
        return HranaStatement.update(sql.toString(), after.values().toArray());
    }

    private static Optional<HranaStatement> update(String table, Map<String, Object> before,
                                                   Map<String, Object> after, List<String> primaryKey) {
        List<String> changed = after.keySet().stream()
                .filter(column -> !before.containsKey(column) || !Mutation.sameValue(before.get(column),
                        after.get(column)))
                .toList();
        if (changed.isEmpty()) {
            return Optional.empty();
        }
        List<Object> args = new ArrayList<>();
        changed.forEach(column -> args.add(after.get(column)));
        String sql = "UPDATE " + quote(table) + " SET "
                + changed.stream().map(column -> quote(column) + "=?").collect(Collectors.joining(","))
                + where(table, before, primaryKey, args);
        return Optional.of(HranaStatement.update(sql, args.toArray()));
    }

    private static HranaStatement delete(String table, Map<String, Object> before, List<String> primaryKey) {
        List<Object> args = new ArrayList<>();
        String sql = "DELETE FROM " + quote(table) + where(table, before, primaryKey, args);
        return HranaStatement.update(sql, args.toArray());
    }

    private static String where(String table, Map<String, Object> before, List<String> primaryKey,
                                List<Object> args) {
        if (!primaryKey.isEmpty() && before.keySet().containsAll(primaryKey)) {
            primaryKey.forEach(column -> args.add(before.get(column)));
            return " WHERE " + matchAll(primaryKey);
        }
        List<String> columns = new ArrayList<>(before.keySet());
        columns.forEach(column -> args.add(before.get(column)));
        return " WHERE rowid = (SELECT rowid FROM " + quote(table) + " WHERE " + matchAll(columns) + " LIMIT 1)";
    }

    private static String matchAll(List<String> columns) {
        return columns.stream().map(column -> quote(column) + " IS ?").collect(Collectors.joining(" AND "));
    }
}
