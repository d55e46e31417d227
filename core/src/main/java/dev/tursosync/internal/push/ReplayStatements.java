package dev.tursosync.internal.push;

import static dev.tursosync.internal.sql.Identifiers.quote;
import static dev.tursosync.internal.sql.Identifiers.quoteAll;

import dev.tursosync.Mutation;
import dev.tursosync.MutationResult;
import dev.tursosync.TransformFailedException;
import dev.tursosync.internal.capture.CapturedChange;
import dev.tursosync.internal.hrana.AtomicBatch;
import dev.tursosync.internal.hrana.HranaStatement;
import dev.tursosync.internal.push.StatementTexts.Kind;
import dev.tursosync.internal.push.StatementTexts.Shape;
import dev.tursosync.internal.sql.AlterTable;
import dev.tursosync.internal.sql.RowidAlias;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The SQL that replays a captured change on another database: the one generator of both the push and the pull's
 * replay of pending changes.
 *
 * <ul>
 *   <li>Insert: an upsert on the primary key, {@code INSERT ... ON CONFLICT(pk) DO UPDATE SET} every other
 *       column; a plain {@code INSERT} for a table without a primary key. When a key column is {@code NULL}
 *       (allowed outside {@code INTEGER PRIMARY KEY}), {@code ON CONFLICT} cannot match, so the upsert is preceded
 *       by {@code DELETE ... WHERE} the key.</li>
 *   <li>Update: {@code UPDATE ... SET} the columns that changed {@code WHERE} the key of the row <em>before</em>
 *       the change, so an update of the primary key itself reaches the remote.</li>
 *   <li>Delete: {@code DELETE ... WHERE} the key of the row.</li>
 *   <li>Tables without a primary key: the remote row is found by all its old values through the row id
 *       ({@code "_rowid_" = (SELECT "_rowid_" ... WHERE every column = ? LIMIT 1)}), never by the local row id,
 *       which another replica may use for a different row. The row-id alias is the first of {@code rowid},
 *       {@code _rowid_}, {@code oid} no user column shadows; if user columns shadow all three, the row id is
 *       unreachable and the statement matches every row with those values.</li>
 *   <li>Schema changes: the captured DDL; an {@code ALTER TABLE} is guarded by a probe that tells whether the
 *       database already has its effect (the same column added on two replicas, a rename or drop that already
 *       happened), and is then skipped.</li>
 * </ul>
 * Identity predicates compare a column with {@code = ?}, or with {@code IS ?} where the value is {@code NULL}, so a
 * {@code NULL} key part matches while the remote can still seek the key ({@code tursodb} scans the table for
 * {@code IS}).
 */
public final class ReplayStatements {

    /**
     * The transform hook of a client that sets none: keeps every change. {@link #decide} knows it and skips building
     * the {@link Mutation} (a copy of both images) it would ignore.
     */
    public static final Function<Mutation, MutationResult> KEEP_ALL = mutation -> MutationResult.keep();

    private static final char NULL = 'n';
    private static final char NOT_NULL = '-';

    private ReplayStatements() {
    }

    /**
     * The statements for a change.
     *
     * @param change the change
     * @param keys   the primary keys and columns of the tables involved
     * @return the statements in order, none for an update that changed no value
     */
    public static List<AtomicBatch.Entry> of(CapturedChange change, TableKeys keys) {
        return switch (change.operation()) {
            case SCHEMA -> List.of(schema(change.sql()));
            case INSERT -> insert(change.table(), change.after(), keys);
            case UPDATE -> update(change.table(), change.before(), change.after(), keys);
            case DELETE -> List.of(AtomicBatch.Entry.of(delete(change.table(), change.before(), keys)));
        };
    }

    /**
     * The statements for a change after the transform hook decided: the generated ones (kept), none (skipped) or
     * the hook's (rewritten). Schema changes do not go through the hook.
     *
     * @param change    the change
     * @param keys      the primary keys and columns of the tables involved
     * @param transform the hook
     * @return the statements, empty when there is nothing to run
     * @throws TransformFailedException if the hook throws
     */
    public static List<AtomicBatch.Entry> transformed(CapturedChange change, TableKeys keys,
                                                      Function<Mutation, MutationResult> transform) {
        return decided(change, keys, decide(change, transform));
    }

    /**
     * What the hook decides for a change; schema changes are always kept.
     *
     * @param change    the change
     * @param transform the hook
     * @return the decision, never {@code null}
     * @throws TransformFailedException if the hook throws
     */
    public static MutationResult decide(CapturedChange change, Function<Mutation, MutationResult> transform) {
        if (change.operation() == CapturedChange.Operation.SCHEMA || transform == KEEP_ALL) {
            return MutationResult.keep();
        }
        MutationResult decision;
        try {
            decision = transform.apply(PushBatch.mutation(change));
        } catch (RuntimeException | Error e) {
            throw new TransformFailedException(change.id(), change.table(), change.operation().name(), e);
        }
        return decision == null ? MutationResult.keep() : decision;
    }

    /**
     * The statements for a change once the hook decided.
     *
     * @param change   the change
     * @param keys     the primary keys and columns of the tables involved
     * @param decision the hook's decision
     * @return the statements, empty when there is nothing to run
     */
    public static List<AtomicBatch.Entry> decided(CapturedChange change, TableKeys keys, MutationResult decision) {
        if (decision.kind() == MutationResult.Kind.KEEP) {
            return of(change, keys);
        }
        if (decision.kind() == MutationResult.Kind.SKIP) {
            return List.of();
        }
        return List.of(AtomicBatch.Entry.of(HranaStatement.update(decision.sql(), decision.args().toArray())));
    }

    /**
     * A schema change, guarded by probes when it is an {@code ALTER TABLE} whose effect can be seen. The table must
     * exist ({@code SELECT * FROM "t"} works) for any of them to be needed; {@code ADD COLUMN c} is needed when
     * {@code SELECT "t"."c" FROM "t"} fails (qualified: a bare {@code "c"} that names no column would be read as a
     * string), {@code DROP COLUMN c} and {@code RENAME COLUMN c} when it works. A column named like a row-id alias
     * cannot be probed (the alias would answer) and is replayed unguarded.
     */
    static AtomicBatch.Entry schema(String sql) {
        HranaStatement statement = HranaStatement.update(sql);
        Optional<AlterTable> alter = AlterTable.parse(sql);
        if (alter.isEmpty()) {
            return AtomicBatch.Entry.of(statement);
        }
        AlterTable parts = alter.get();
        AtomicBatch.Probe tableExists = new AtomicBatch.Probe(select("*", parts.table()), true);
        if (parts.kind() == AlterTable.Kind.RENAME_TABLE) {
            return new AtomicBatch.Entry(statement, List.of(tableExists));
        }
        if (RowidAlias.isAlias(parts.column())) {
            return AtomicBatch.Entry.of(statement);
        }
        AtomicBatch.Probe column = new AtomicBatch.Probe(select(quote(parts.table()) + "." + quote(parts.column()),
                parts.table()), parts.kind() != AlterTable.Kind.ADD_COLUMN);
        return new AtomicBatch.Entry(statement, List.of(tableExists, column));
    }

    private static HranaStatement select(String columns, String table) {
        return HranaStatement.query("SELECT " + columns + " FROM " + quote(table) + " LIMIT 0");
    }

    private static List<AtomicBatch.Entry> insert(String table, Map<String, Object> after, TableKeys keys) {
        List<String> primaryKey = keys.of(table);
        List<String> columns = List.copyOf(after.keySet());
        boolean upsert = !primaryKey.isEmpty() && columns.containsAll(primaryKey);
        String sql = keys.texts().of(new Shape(Kind.INSERT, table, columns, List.of(), ""),
                () -> insertText(table, columns, primaryKey, upsert));
        HranaStatement insert = HranaStatement.update(sql, after.values().toArray());
        String nulls = upsert ? nulls(primaryKey, after) : "";
        if (nulls.indexOf(NULL) < 0) {
            return List.of(AtomicBatch.Entry.of(insert));
        }
        // ON CONFLICT cannot match a key with a NULL part: the row with that key goes first
        String deleteSql = keys.texts().of(new Shape(Kind.DELETE_KEY, table, primaryKey, List.of(), nulls),
                () -> "DELETE FROM " + quote(table) + " WHERE " + matchAll(primaryKey, after));
        HranaStatement delete = HranaStatement.update(deleteSql, primaryKey.stream().map(after::get).toArray());
        return List.of(AtomicBatch.Entry.of(delete), AtomicBatch.Entry.of(insert));
    }

    /** An insert of the columns, or an upsert on the primary key when they hold all of it. */
    private static String insertText(String table, List<String> columns, List<String> primaryKey, boolean upsert) {
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(quote(table)).append('(')
                .append(quoteAll(columns)).append(") VALUES (")
                .append(columns.stream().map(column -> "?").collect(Collectors.joining(","))).append(')');
        if (!upsert) {
            return sql.toString();
        }
        List<String> others = columns.stream().filter(column -> !primaryKey.contains(column)).toList();
        sql.append(" ON CONFLICT(").append(quoteAll(primaryKey)).append(')');
        if (others.isEmpty()) {
            sql.append(" DO NOTHING");
        } else {
            sql.append(" DO UPDATE SET ").append(others.stream()
                    .map(column -> quote(column) + "=excluded." + quote(column))
                    .collect(Collectors.joining(",")));
        }
        return sql.toString();
    }

    private static List<AtomicBatch.Entry> update(String table, Map<String, Object> before,
                                                  Map<String, Object> after, TableKeys keys) {
        List<String> changed = new ArrayList<>();
        List<Object> args = new ArrayList<>();
        for (Map.Entry<String, Object> column : after.entrySet()) {
            if (!before.containsKey(column.getKey())
                    || !Mutation.sameValue(before.get(column.getKey()), column.getValue())) {
                changed.add(column.getKey());
                args.add(column.getValue());
            }
        }
        if (changed.isEmpty()) {
            return List.of();
        }
        List<String> identity = identity(table, before, keys);
        String sql = keys.texts().of(new Shape(Kind.UPDATE, table, List.copyOf(changed),
                List.copyOf(before.keySet()), nulls(identity, before)), () -> "UPDATE " + quote(table) + " SET "
                + changed.stream().map(column -> quote(column) + "=?").collect(Collectors.joining(","))
                + where(table, identity, before, keys));
        identity.forEach(column -> args.add(before.get(column)));
        return List.of(AtomicBatch.Entry.of(HranaStatement.update(sql, args.toArray())));
    }

    private static HranaStatement delete(String table, Map<String, Object> before, TableKeys keys) {
        List<String> identity = identity(table, before, keys);
        String sql = keys.texts().of(new Shape(Kind.DELETE, table, List.of(), List.copyOf(before.keySet()),
                nulls(identity, before)), () -> "DELETE FROM " + quote(table) + where(table, identity, before, keys));
        Object[] args = new Object[identity.size()];
        for (int i = 0; i < args.length; i++) {
            args[i] = before.get(identity.get(i));
        }
        return HranaStatement.update(sql, args);
    }

    /** The columns whose values identify the row a before image describes: its primary key, else all of them. */
    private static List<String> identity(String table, Map<String, Object> before, TableKeys keys) {
        List<String> primaryKey = keys.of(table);
        if (!primaryKey.isEmpty() && before.keySet().containsAll(primaryKey)) {
            return primaryKey;
        }
        return List.copyOf(before.keySet());
    }

    /**
     * The identity predicate of the row a before image describes, on its {@link #identity} columns: by key, or
     * through the row id when the table has none.
     */
    private static String where(String table, List<String> identity, Map<String, Object> before, TableKeys keys) {
        List<String> primaryKey = keys.of(table);
        if (!primaryKey.isEmpty() && identity.equals(primaryKey)) {
            return " WHERE " + matchAll(identity, before);
        }
        Set<String> names = new LinkedHashSet<>(identity);
        names.addAll(keys.columns(table));
        Optional<String> alias = RowidAlias.of(names);
        if (alias.isEmpty()) {
            return " WHERE " + matchAll(identity, before);
        }
        String rowid = quote(alias.get());
        return " WHERE " + rowid + " = (SELECT " + rowid + " FROM " + quote(table) + " WHERE "
                + matchAll(identity, before) + " LIMIT 1)";
    }

    /** For each column, whether its value is {@code NULL}: the part of a shape that decides {@code =} or {@code IS}. */
    private static String nulls(List<String> columns, Map<String, Object> values) {
        char[] marks = new char[columns.size()];
        for (int i = 0; i < marks.length; i++) {
            marks[i] = values.get(columns.get(i)) == null ? NULL : NOT_NULL;
        }
        return new String(marks);
    }

    /**
     * Each column equal to its value: {@code "c" = ?}, or {@code "c" IS ?} for {@code NULL}. The two match the same
     * rows ({@code IS} differs from {@code =} only for {@code NULL}), but {@code tursodb} (0.7) seeks a key or an
     * index only through {@code =}: with {@code IS} every update and delete of a push scanned its whole table.
     */
    private static String matchAll(List<String> columns, Map<String, Object> values) {
        return columns.stream().map(column -> quote(column) + (values.get(column) == null ? " IS ?" : " = ?"))
                .collect(Collectors.joining(" AND "));
    }
}
