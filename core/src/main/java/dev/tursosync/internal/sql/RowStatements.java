package dev.tursosync.internal.sql;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tells queries and row changes by their first keyword ({@code SELECT}, {@code VALUES}, {@code INSERT},
 * {@code REPLACE}, {@code UPDATE}, {@code DELETE}, and {@code WITH}, which only leads into those): such a statement
 * changes neither the schema (triggers cannot run DDL) nor the transaction state, so capture need not read the schema
 * version after it, and a connection that ran only such statements in auto-commit mode has no transaction to roll
 * back. Anything else (DDL, {@code PRAGMA}, transaction control, {@code VACUUM}, unknown text) is not one.
 */
public final class RowStatements {

    private static final Set<String> ROW_STATEMENTS = Set.of("SELECT", "VALUES", "INSERT", "REPLACE", "UPDATE",
            "DELETE", "WITH");
    private static final int LONGEST = 7;
    /** What {@link #firstKeyword} found, by text: a statement layer asks about the same few texts again and again. */
    private static final Map<String, String> KEYWORDS = new ConcurrentHashMap<>();
    /** Distinct texts remembered; beyond that the memory starts over. */
    private static final int REMEMBERED = 512;
    private static final String NONE = "";

    private RowStatements() {
    }

    /**
     * Whether a statement is certainly a query or a row change.
     *
     * @param sql one statement, or {@code null} when unknown
     * @return {@code true} for queries and row changes; {@code false} otherwise or when unsure
     */
    public static boolean isRowStatement(String sql) {
        String keyword = firstKeyword(sql);
        return keyword != null && ROW_STATEMENTS.contains(keyword);
    }

    /**
     * Whether a statement is certainly a query ({@code SELECT} or {@code VALUES}, not a {@code WITH} that may lead
     * into a row change): it writes nothing, so the WAL does not grow.
     *
     * @param sql one statement, or {@code null} when unknown
     * @return {@code true} for queries; {@code false} otherwise or when unsure
     */
    public static boolean isQuery(String sql) {
        String keyword = firstKeyword(sql);
        return "SELECT".equals(keyword) || "VALUES".equals(keyword);
    }

    /** The first keyword in upper case, or {@code null} when there is none or it is longer than any of ours. */
    private static String firstKeyword(String sql) {
        if (sql == null) {
            return null;
        }
        String known = KEYWORDS.get(sql);
        if (known == null) {
            String found = readKeyword(sql);
            known = found == null ? NONE : found;
            if (KEYWORDS.size() >= REMEMBERED) {
                KEYWORDS.clear();
            }
            KEYWORDS.put(sql, known);
        }
        return known.isEmpty() ? null : known;
    }

    private static String readKeyword(String sql) {
        int start = skipSpaceAndComments(sql, 0);
        if (start < 0) {
            return null;
        }
        int end = start;
        while (end < sql.length() && end - start <= LONGEST && Character.isLetter(sql.charAt(end))) {
            end++;
        }
        if (end - start > LONGEST || (end < sql.length() && Character.isLetterOrDigit(sql.charAt(end)))) {
            return null;
        }
        return sql.substring(start, end).toUpperCase(Locale.ROOT);
    }

    /** The index of the first character after leading white space and comments, or -1 for an unclosed comment. */
    private static int skipSpaceAndComments(String sql, int from) {
        int i = from;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (sql.startsWith("--", i)) {
                int newline = sql.indexOf('\n', i);
                if (newline < 0) {
                    return -1;
                }
                i = newline + 1;
            } else if (sql.startsWith("/*", i)) {
                int close = sql.indexOf("*/", i + 2);
                if (close < 0) {
                    return -1;
                }
                i = close + 2;
            } else {
                return i;
            }
        }
        return -1;
    }
}
