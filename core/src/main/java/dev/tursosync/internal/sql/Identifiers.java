package dev.tursosync.internal.sql;

import java.util.List;
import java.util.stream.Collectors;

/** Quotes SQL identifiers and string literals the way SQLite reads them back exactly. */
public final class Identifiers {

    private Identifiers() {
    }

    /**
     * A double-quoted identifier; embedded double quotes are doubled.
     *
     * @param name any name: keywords, spaces, quotes and unicode are all safe
     * @return the quoted identifier
     */
    public static String quote(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    /**
     * A single-quoted string literal; embedded single quotes are doubled.
     *
     * @param text the text
     * @return the literal
     */
    public static String literal(String text) {
        return '\'' + text.replace("'", "''") + '\'';
    }

    /**
     * Quoted identifiers joined by a comma.
     *
     * @param names the names
     * @return the list, for example {@code "a","b"}
     */
    public static String quoteAll(List<String> names) {
        return names.stream().map(Identifiers::quote).collect(Collectors.joining(","));
    }
}
