package dev.tursosync.internal.sql;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The parts of an {@code ALTER TABLE} statement that say whether a database already has its effect: the kind, the
 * table and the column it names. Identifiers may be bare or quoted ({@code "..."}, {@code [...]}, {@code `...`}).
 *
 * @param kind   what the statement does
 * @param table  the table it alters (without a schema name)
 * @param column the column added or dropped, or renamed from; {@code null} for a table rename
 */
public record AlterTable(Kind kind, String table, String column) {

    /** What an {@code ALTER TABLE} does. */
    public enum Kind {
        /** {@code ADD [COLUMN] c ...}. */
        ADD_COLUMN,
        /** {@code DROP [COLUMN] c}. */
        DROP_COLUMN,
        /** {@code RENAME [COLUMN] a TO b}. */
        RENAME_COLUMN,
        /** {@code RENAME TO u}. */
        RENAME_TABLE
    }

    /**
     * Parses a statement.
     *
     * @param sql the statement
     * @return the parts, or empty if it is not an {@code ALTER TABLE} this parser knows
     */
    public static Optional<AlterTable> parse(String sql) {
        List<SqlTokens.Token> tokens = SqlTokens.tokenize(sql);
        if (tokens == null || tokens.size() < 5 || !tokens.get(0).is("ALTER") || !tokens.get(1).is("TABLE")) {
            return Optional.empty();
        }
        int at = 2;
        String table = tokens.get(at++).text();
        if (tokens.size() > at + 1 && tokens.get(at).is(".")) {
            table = tokens.get(at + 1).text();
            at += 2;
        }
        List<SqlTokens.Token> rest = tokens.subList(at, tokens.size());
        if (rest.size() < 2) {
            return Optional.empty();
        }
        SqlTokens.Token verb = rest.get(0);
        if (verb.is("RENAME") && rest.get(1).is("TO")) {
            return Optional.of(new AlterTable(Kind.RENAME_TABLE, table, null));
        }
        int name = rest.get(1).is("COLUMN") && rest.size() > 2 && rest.get(2).isName() ? 2 : 1;
        if (!rest.get(name).isName()) {
            return Optional.empty();
        }
        String column = rest.get(name).text();
        if (verb.is("ADD")) {
            return Optional.of(new AlterTable(Kind.ADD_COLUMN, table, column));
        }
        if (verb.is("DROP")) {
            return Optional.of(new AlterTable(Kind.DROP_COLUMN, table, column));
        }
        if (verb.is("RENAME")) {
            return Optional.of(new AlterTable(Kind.RENAME_COLUMN, table, column));
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(Locale.ROOT) + " " + table + (column == null ? "" : "." + column);
    }
}
