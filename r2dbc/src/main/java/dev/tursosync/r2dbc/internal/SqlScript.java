package dev.tursosync.r2dbc.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * SQL text split into the statements SQLite prepares one at a time, with the parameters of the whole text numbered
 * the way SQLite numbers them: {@code ?} takes the next number, {@code ?NNN} is number NNN, and a named marker
 * ({@code :name}, {@code @name}, {@code $name}) takes the next number the first time it appears and keeps it.
 * R2DBC index {@code i} is parameter number {@code i + 1}. Quotes, comments and trigger bodies are respected.
 */
public final class SqlScript {

    /**
     * One statement and, for each of its own SQLite parameter numbers (1-based, the array index minus one), the
     * script-wide parameter number.
     *
     * @param sql        the statement text
     * @param parameters local parameter number - 1 mapped to the script parameter number
     * @param kind       what the driver does with the statement ({@link StatementKind#of}), decided once per text
     */
    public record Unit(String sql, int[] parameters, StatementKind kind) {

        /**
         * Whether the statement's parameters are the script's parameters 1 to {@code count}, in order: then a binding
         * set of the script is the statement's own.
         *
         * @param count the script's parameter count
         * @return {@code true} if local parameter {@code i} is script parameter {@code i} for every one of them
         */
        public boolean takesAllInOrder(int count) {
            if (parameters.length != count) {
                return false;
            }
            for (int i = 0; i < count; i++) {
                if (parameters[i] != i + 1) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Most applications run a few hundred distinct statements; beyond that the cache starts over. */
    private static final int PARSED_LIMIT = 512;
    /** Parsed scripts by text: a script is immutable, and statements are created once per execution. */
    private static final Map<String, SqlScript> PARSED = new java.util.concurrent.ConcurrentHashMap<>();

    private final List<Unit> units;
    private final int parameterCount;
    private final Map<String, Integer> names;
    private final java.util.BitSet used;

    private SqlScript(List<Unit> units, int parameterCount, Map<String, Integer> names, java.util.BitSet used) {
        this.units = List.copyOf(units);
        this.parameterCount = parameterCount;
        this.names = names;
        this.used = used;
    }

    /**
     * Whether a marker refers to a parameter; numbers skipped by {@code ?NNN} need no value and bind NULL.
     *
     * @param index the zero-based index
     * @return {@code true} if some marker uses it
     */
    public boolean isUsed(int index) {
        return used.get(index + 1);
    }

    /**
     * Parses SQL text.
     *
     * @param sql the text, possibly several statements separated by {@code ;}
     * @return the script
     */
    public static SqlScript parse(String sql) {
        SqlScript parsed = PARSED.get(sql);
        if (parsed == null) {
            parsed = new Parser(sql).parse();
            if (PARSED.size() >= PARSED_LIMIT) {
                PARSED.clear();
            }
            PARSED.put(sql, parsed);
        }
        return parsed;
    }

    /**
     * The statements, in order; empty statements are dropped.
     *
     * @return the statements
     */
    public List<Unit> units() {
        return units;
    }

    /**
     * How many parameters the whole text has (the largest parameter number).
     *
     * @return the parameter count
     */
    public int parameterCount() {
        return parameterCount;
    }

    /**
     * The zero-based index of a named or numbered parameter: the marker as written ({@code :id}, {@code @id},
     * {@code $id}, {@code ?2}) or a name without its prefix ({@code id}) when only one marker has that name.
     *
     * @param name the name
     * @return the index, or {@code -1} when no parameter has that name
     */
    public int indexOf(String name) {
        Integer number = names.get(name);
        if (number == null) {
            List<Integer> matches = new ArrayList<>();
            names.forEach((marker, value) -> {
                if (marker.length() > 1 && marker.charAt(0) != '?' && marker.substring(1).equals(name)) {
                    matches.add(value);
                }
            });
            number = matches.size() == 1 ? matches.get(0) : null;
        }
        return number == null ? -1 : number - 1;
    }

    /** A single pass over the text. */
    private static final class Parser {
        private final String sql;
        private final List<Unit> units = new ArrayList<>();
        private final Map<String, Integer> names = new LinkedHashMap<>();
        private final java.util.BitSet used = new java.util.BitSet();
        private int scriptMax;
        private int position;

        private int start;
        private final Map<String, Integer> localNames = new LinkedHashMap<>();
        private final List<Integer> local = new ArrayList<>();
        private String firstWord;
        private String secondWord;
        private boolean trigger;
        private boolean sawBegin;
        private int depth;
        private boolean content;

        Parser(String sql) {
            this.sql = sql;
        }

        SqlScript parse() {
            while (position < sql.length()) {
                char c = sql.charAt(position);
                if (c == '\'' || c == '"' || c == '`') {
                    skipQuoted(c, c);
                } else if (c == '[') {
                    skipQuoted('[', ']');
                } else if (c == '-' && peek(1) == '-') {
                    skipLineComment();
                } else if (c == '/' && peek(1) == '*') {
                    skipBlockComment();
                } else if (c == ';') {
                    position++;
                    if (!trigger || (sawBegin && depth <= 0)) {
                        endStatement(position - 1);
                    }
                } else if (c == '?') {
                    numberedMarker();
                } else if ((c == ':' || c == '@' || c == '$') && isNameChar(peek(1))) {
                    namedMarker();
                } else if (Character.isLetter(c) || c == '_') {
                    word();
                } else {
                    if (!Character.isWhitespace(c)) {
                        content = true;
                    }
                    position++;
                }
            }
            endStatement(sql.length());
            return new SqlScript(units, scriptMax, names, used);
        }

        private char peek(int ahead) {
            int at = position + ahead;
            return at < sql.length() ? sql.charAt(at) : '\0';
        }

        private static boolean isNameChar(char c) {
            return Character.isLetterOrDigit(c) || c == '_';
        }

        private void skipQuoted(char open, char close) {
            content = true;
            position++;
            while (position < sql.length()) {
                char c = sql.charAt(position++);
                if (c == close) {
                    if (open == close && position < sql.length() && sql.charAt(position) == close) {
                        position++;
                        continue;
                    }
                    return;
                }
            }
        }

        private void skipLineComment() {
            int end = sql.indexOf('\n', position);
            position = end < 0 ? sql.length() : end + 1;
        }

        private void skipBlockComment() {
            int end = sql.indexOf("*/", position + 2);
            position = end < 0 ? sql.length() : end + 2;
        }

        private void word() {
            int from = position;
            while (position < sql.length() && (isNameChar(sql.charAt(position)) || sql.charAt(position) == '$')) {
                position++;
            }
            String word = sql.substring(from, position).toUpperCase(Locale.ROOT);
            content = true;
            if (firstWord == null) {
                firstWord = word;
            } else if (secondWord == null) {
                secondWord = word;
                trigger = firstWord.equals("CREATE") && word.equals("TRIGGER");
            } else if (firstWord.equals("CREATE") && (secondWord.equals("TEMP") || secondWord.equals("TEMPORARY"))
                    && word.equals("TRIGGER") && !trigger) {
                trigger = true;
            }
            if (trigger) {
                if (word.equals("BEGIN")) {
                    sawBegin = true;
                    depth++;
                } else if (word.equals("CASE") && sawBegin) {
                    depth++;
                } else if (word.equals("END") && sawBegin) {
                    depth--;
                }
            }
        }

        private void numberedMarker() {
            content = true;
            position++;
            int from = position;
            while (position < sql.length() && Character.isDigit(sql.charAt(position))) {
                position++;
            }
            if (from == position) {
                local.add(++scriptMax);
                used.set(scriptMax);
                return;
            }
            int number = Integer.parseInt(sql.substring(from, position));
            String marker = "?" + number;
            names.putIfAbsent(marker, number);
            scriptMax = Math.max(scriptMax, number);
            while (local.size() < number) {
                local.add(null);
            }
            local.set(number - 1, number);
            used.set(number);
        }

        private void namedMarker() {
            content = true;
            int from = position++;
            while (position < sql.length() && isNameChar(sql.charAt(position))) {
                position++;
            }
            String marker = sql.substring(from, position);
            Integer number = names.get(marker);
            if (number == null) {
                number = ++scriptMax;
                names.put(marker, number);
            }
            used.set(number);
            if (!localNames.containsKey(marker)) {
                localNames.put(marker, local.size() + 1);
                local.add(number);
            }
        }

        private void endStatement(int end) {
            if (content) {
                int[] parameters = new int[local.size()];
                for (int i = 0; i < parameters.length; i++) {
                    parameters[i] = local.get(i) == null ? 0 : local.get(i);
                }
                String text = sql.substring(start, end).strip();
                units.add(new Unit(text, parameters, StatementKind.of(text)));
            }
            start = position;
            local.clear();
            localNames.clear();
            firstWord = null;
            secondWord = null;
            trigger = false;
            sawBegin = false;
            depth = 0;
            content = false;
        }
    }
}
