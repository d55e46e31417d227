package dev.tursosync.internal.capture;

import static dev.tursosync.internal.sql.Identifiers.quote;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the difference between the last captured schema and the live one into the DDL statements that replay it on
 * the remote, and names the tables whose capture triggers must be (re)installed.
 *
 * <p>Created objects become {@code CREATE ... IF NOT EXISTS}, dropped ones {@code DROP ... IF EXISTS}, a renamed
 * table (same root page, new name) {@code ALTER TABLE ... RENAME TO}, and an added column
 * {@code ALTER TABLE ... ADD COLUMN} (SQLite splices the new column's text into the stored {@code CREATE TABLE},
 * so it can be recovered exactly). When the statement text is known and is an {@code ALTER TABLE}, that text is
 * replayed verbatim instead, which also covers {@code RENAME COLUMN} and {@code DROP COLUMN}. A rename is only
 * inferred from root pages when the statement is unknown or an {@code ALTER TABLE}: a dropped table's root page
 * can be reused by the next {@code CREATE TABLE}.
 */
public final class SchemaDiff {

    private static final Logger LOG = LoggerFactory.getLogger(SchemaDiff.class);
    private static final Pattern CREATE = Pattern.compile(
            "^\\s*(CREATE\\s+(?:UNIQUE\\s+)?(?:VIRTUAL\\s+)?(?:TABLE|INDEX|VIEW|TRIGGER))\\s+(?!IF\\s+NOT\\s+EXISTS)",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern ALTER = Pattern.compile("^\\s*ALTER\\s+TABLE\\s", Pattern.CASE_INSENSITIVE);

    /**
     * The outcome.
     *
     * @param statements     DDL to log, in replay order, each with the object it concerns
     * @param retriggerTables tables whose capture triggers must be (re)installed
     */
    public record Result(List<Ddl> statements, Set<String> retriggerTables) {
    }

    /**
     * One DDL statement to replay.
     *
     * @param object the object it concerns
     * @param sql    the statement
     */
    public record Ddl(String object, String sql) {
    }

    private SchemaDiff() {
    }

    /**
     * Compares two schemas.
     *
     * @param before        the schema last captured
     * @param after         the live schema
     * @param statementText the statement that ran, or {@code null} if unknown
     * @return the DDL and the tables to retrigger
     */
    public static Result diff(Map<String, SchemaObject> before, Map<String, SchemaObject> after,
                              String statementText) {
        List<Ddl> statements = new ArrayList<>();
        Set<String> retrigger = new LinkedHashSet<>();
        boolean alterText = statementText != null && ALTER.matcher(statementText).find();
        Map<String, String> renamed = statementText == null || alterText ? renamedTables(before, after) : Map.of();
        List<SchemaObject> changedTables = after.values().stream()
                .filter(SchemaObject::isTable)
                .filter(object -> before.containsKey(object.name()) && !before.get(object.name()).sql()
                        .equals(object.sql()))
                .toList();
        if (alterText && (!renamed.isEmpty() || !changedTables.isEmpty())) {
            statements.add(new Ddl(alteredName(renamed, changedTables), statementText.strip()));
            retrigger.addAll(renamed.values());
            changedTables.forEach(table -> retrigger.add(table.name()));
            return new Result(statements, retrigger);
        }
        renamed.forEach((from, to) -> {
            statements.add(new Ddl(to, "ALTER TABLE " + quote(from) + " RENAME TO " + quote(to)));
            retrigger.add(to);
        });
        for (SchemaObject table : after.values()) {
            if (table.isTable() && !before.containsKey(table.name()) && !renamed.containsValue(table.name())) {
                statements.add(new Ddl(table.name(), ifNotExists(table.sql())));
                retrigger.add(table.name());
            }
        }
        for (SchemaObject table : changedTables) {
            String column = addedColumn(before.get(table.name()).sql(), table.sql());
            if (column != null) {
                statements.add(new Ddl(table.name(), "ALTER TABLE " + quote(table.name()) + " ADD COLUMN " + column));
            } else if (!renamed.containsValue(table.name())) {
                LOG.warn("the definition of table {} changed in a way that cannot be replayed without the "
                        + "statement text; run ALTER TABLE through the client's connections", table.name());
            }
            retrigger.add(table.name());
        }
        for (SchemaObject object : after.values()) {
            if (object.isTable() || renamed.containsValue(object.table())) {
                continue;
            }
            SchemaObject previous = before.get(object.name());
            if (previous == null) {
                statements.add(new Ddl(object.name(), ifNotExists(object.sql())));
            } else if (!previous.sql().equals(object.sql())) {
                statements.add(new Ddl(object.name(), drop(object)));
                statements.add(new Ddl(object.name(), ifNotExists(object.sql())));
            }
        }
        for (SchemaObject object : before.values()) {
            if (after.containsKey(object.name()) || renamed.containsKey(object.name())) {
                continue;
            }
            boolean ownerGone = !object.isTable() && !"view".equals(object.type())
                    && !after.containsKey(object.table());
            if (!object.isTable() && !ownerGone) {
                statements.add(new Ddl(object.name(), drop(object)));
            }
        }
        for (SchemaObject object : before.values()) {
            if (object.isTable() && !after.containsKey(object.name()) && !renamed.containsKey(object.name())) {
                statements.add(new Ddl(object.name(), drop(object)));
            }
        }
        return new Result(statements, retrigger);
    }

    /**
     * Rewrites a stored {@code CREATE} statement so replaying it on a remote that already has the object is a
     * no-op.
     *
     * @param sql the stored statement
     * @return the statement with {@code IF NOT EXISTS}
     */
    public static String ifNotExists(String sql) {
        Matcher matcher = CREATE.matcher(sql);
        return matcher.find() ? matcher.replaceFirst("$1 IF NOT EXISTS ") : sql;
    }

    private static String drop(SchemaObject object) {
        return "DROP " + object.type().toUpperCase(Locale.ROOT) + " IF EXISTS " + quote(object.name());
    }

    private static Map<String, String> renamedTables(Map<String, SchemaObject> before,
                                                     Map<String, SchemaObject> after) {
        Map<String, String> renamed = new java.util.LinkedHashMap<>();
        for (SchemaObject gone : before.values()) {
            if (!gone.isTable() || after.containsKey(gone.name()) || gone.rootPage() <= 0) {
                continue;
            }
            after.values().stream()
                    .filter(object -> object.isTable() && !before.containsKey(object.name())
                            && object.rootPage() == gone.rootPage())
                    .findFirst()
                    .ifPresent(object -> renamed.put(gone.name(), object.name()));
        }
        return renamed;
    }

    private static String alteredName(Map<String, String> renamed, List<SchemaObject> changed) {
        return !renamed.isEmpty() ? renamed.values().iterator().next() : changed.get(0).name();
    }

    /**
     * The column definition that {@code ALTER TABLE ... ADD COLUMN} spliced into a stored {@code CREATE TABLE}, or
     * {@code null} if the change was something else.
     */
    static String addedColumn(String before, String after) {
        int prefix = 0;
        int limit = Math.min(before.length(), after.length());
        while (prefix < limit && before.charAt(prefix) == after.charAt(prefix)) {
            prefix++;
        }
        int suffix = 0;
        while (suffix < before.length() - prefix
                && before.charAt(before.length() - 1 - suffix) == after.charAt(after.length() - 1 - suffix)) {
            suffix++;
        }
        if (prefix + suffix != before.length()) {
            return null;
        }
        String inserted = after.substring(prefix, after.length() - suffix);
        if (!inserted.startsWith(", ") || inserted.length() <= 2) {
            return null;
        }
        return inserted.substring(2).strip();
    }
}
