package dev.tursosync.internal.sql;

import java.util.ArrayList;
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
        List<Token> tokens = tokenize(sql);
        if (tokens == null || tokens.size() < 5 || !tokens.get(0).is("ALTER") || !tokens.get(1).is("TABLE")) {
            return Optional.empty();
        }
        int at = 2;
        String table = tokens.get(at++).text;
        if (tokens.size() > at + 1 && tokens.get(at).is(".")) {
            table = tokens.get(at + 1).text;
            at += 2;
        }
        List<Token> rest = tokens.subList(at, tokens.size());
        if (rest.size() < 2) {
            return Optional.empty();
        }
        Token verb = rest.get(0);
        if (verb.is("RENAME") && rest.get(1).is("TO")) {
            return Optional.of(new AlterTable(Kind.RENAME_TABLE, table, null));
        }
        int name = rest.get(1).is("COLUMN") && rest.size() > 2 && rest.get(2).isName() ? 2 : 1;
        if (!rest.get(name).isName()) {
            return Optional.empty();
        }
        String column = rest.get(name).text;
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

    private record Token(String text, boolean quoted) {
        boolean is(String keyword) {
            return !quoted && text.equalsIgnoreCase(keyword);
        }

        boolean isName() {
            return quoted || Character.isLetterOrDigit(text.codePointAt(0)) || text.charAt(0) == '_'
                    || text.codePointAt(0) > 127;
        }
    }

    /** The tokens of a statement, or {@code null} if a quote is not closed. */
    private static List<Token> tokenize(String sql) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '-' && sql.startsWith("--", i)) {
                int end = sql.indexOf('\n', i);
                i = end < 0 ? sql.length() : end + 1;
            } else if (c == '/' && sql.startsWith("/*", i)) {
                int end = sql.indexOf("*/", i + 2);
                i = end < 0 ? sql.length() : end + 2;
            } else if (c == '"' || c == '`' || c == '[' || c == '\'') {
                char close = c == '[' ? ']' : c;
                StringBuilder text = new StringBuilder();
                int j = i + 1;
                while (true) {
                    if (j >= sql.length()) {
                        return null;
                    }
                    char d = sql.charAt(j);
                    if (d == close) {
                        if (close != ']' && j + 1 < sql.length() && sql.charAt(j + 1) == close) {
                            text.append(close);
                            j += 2;
                            continue;
                        }
                        break;
                    }
                    text.append(d);
                    j++;
                }
                tokens.add(new Token(text.toString(), true));
                i = j + 1;
            } else if (Character.isLetterOrDigit(c) || c == '_' || c == '$' || c > 127) {
                int j = i;
                while (j < sql.length() && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '_'
                        || sql.charAt(j) == '$' || sql.charAt(j) > 127)) {
                    j++;
                }
                tokens.add(new Token(sql.substring(i, j), false));
                i = j;
            } else {
                tokens.add(new Token(String.valueOf(c), false));
                i++;
            }
        }
        return tokens;
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(Locale.ROOT) + " " + table + (column == null ? "" : "." + column);
    }
}
