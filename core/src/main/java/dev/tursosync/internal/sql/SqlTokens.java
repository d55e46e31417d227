package dev.tursosync.internal.sql;

import java.util.ArrayList;
import java.util.List;

/** Splits SQL into tokens, enough to read the names and keywords of a statement. */
public final class SqlTokens {

    private SqlTokens() {
    }

    /**
     * One token.
     *
     * @param text   the text, without the quotes of a quoted name or string
     * @param quoted whether it was quoted
     */
    public record Token(String text, boolean quoted) {

        /**
         * Whether this is an unquoted keyword or punctuation.
         *
         * @param keyword the keyword, any case
         * @return whether it matches
         */
        public boolean is(String keyword) {
            return !quoted && text.equalsIgnoreCase(keyword);
        }

        /**
         * Whether this can be a name: quoted, or starting with a letter, digit or underscore.
         *
         * @return whether it can
         */
        public boolean isName() {
            return quoted || Character.isLetterOrDigit(text.codePointAt(0)) || text.charAt(0) == '_'
                    || text.codePointAt(0) > 127;
        }
    }

    /**
     * The tokens of a statement: words, quoted names and strings, and single punctuation characters; comments
     * dropped.
     *
     * @param sql the statement
     * @return the tokens, or {@code null} if a quote is not closed
     */
    public static List<Token> tokenize(String sql) {
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
}
