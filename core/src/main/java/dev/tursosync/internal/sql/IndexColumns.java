package dev.tursosync.internal.sql;

import dev.tursosync.internal.sqlite.IndexKeyComparator;
import java.util.ArrayList;
import java.util.List;

/**
 * The declared columns of an index, read from the {@code CREATE INDEX} statement and its table's
 * {@code CREATE TABLE}: each column's collation (the index's {@code COLLATE}, else the table column's, else
 * {@code BINARY}) and direction.
 *
 * <p>Reads only plain column lists of rowid tables: an index on an expression, an automatic index (no SQL), an index
 * of a {@code WITHOUT ROWID} table or a statement this reader does not follow gives {@code null}, and the caller
 * does not judge that index's order.
 */
public final class IndexColumns {

    private IndexColumns() {
    }

    /**
     * The columns of an index.
     *
     * @param indexSql the index's {@code CREATE INDEX}, or {@code null} for an automatic index
     * @param tableSql its table's {@code CREATE TABLE}
     * @return the columns, or {@code null} when they cannot be read with certainty
     */
    public static List<IndexKeyComparator.Column> read(String indexSql, String tableSql) {
        List<SqlTokens.Token> tokens = indexSql == null ? null : SqlTokens.tokenize(indexSql);
        List<List<SqlTokens.Token>> tableParts = tableSql == null ? null : tableParts(tableSql);
        if (tokens == null || tableParts == null) {
            return null;
        }
        int on = indexOf(tokens, "ON", 0);
        if (on < 0 || on + 2 >= tokens.size() || !tokens.get(on + 2).is("(")) {
            return null;
        }
        List<List<SqlTokens.Token>> terms = parenthesised(tokens, on + 2);
        if (terms == null) {
            return null;
        }
        List<IndexKeyComparator.Column> columns = new ArrayList<>();
        for (List<SqlTokens.Token> term : terms) {
            IndexKeyComparator.Column column = column(term, tableParts);
            if (column == null) {
                return null;
            }
            columns.add(column);
        }
        return columns;
    }

    /**
     * Where each declared column of an index is in its table's records, for an index whose entries follow from the
     * stored values alone: a full index (no {@code WHERE}) on plain columns of a rowid table without generated
     * columns, none of them the rowid or its {@code INTEGER PRIMARY KEY} alias (SQLite stores the rowid, not the
     * record's value, for those).
     *
     * @param indexSql the index's {@code CREATE INDEX}, or {@code null} for an automatic index
     * @param tableSql its table's {@code CREATE TABLE}
     * @return the record position of each declared column, or {@code null} when any of that is not certain
     */
    public static int[] positions(String indexSql, String tableSql) {
        if (read(indexSql, tableSql) == null) {
            return null;
        }
        List<SqlTokens.Token> tokens = SqlTokens.tokenize(indexSql);
        int open = indexOf(tokens, "ON", 0) + 2;
        List<List<SqlTokens.Token>> terms = parenthesised(tokens, open);
        List<List<SqlTokens.Token>> tableParts = tableParts(tableSql);
        if (terms == null || tableParts == null || closing(tokens, open) != tokens.size() - 1) {
            return null;
        }
        List<List<SqlTokens.Token>> columns = new ArrayList<>();
        for (List<SqlTokens.Token> part : tableParts) {
            if (part.isEmpty() || !part.get(0).isName() || isConstraint(part.get(0))) {
                continue;
            }
            if (topLevel(part, "AS") || topLevel(part, "GENERATED")) {
                return null;
            }
            columns.add(part);
        }
        int[] positions = new int[terms.size()];
        for (int i = 0; i < positions.length; i++) {
            positions[i] = position(columns, terms.get(i).get(0).text());
            if (positions[i] < 0 || mayAliasRowid(columns.get(positions[i]), tableParts)) {
                return null;
            }
        }
        return positions;
    }

    private static int position(List<List<SqlTokens.Token>> columns, String name) {
        int found = -1;
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).get(0).text().equalsIgnoreCase(name)) {
                if (found >= 0) {
                    return -1;
                }
                found = i;
            }
        }
        return found;
    }

    /**
     * Whether a column may be the rowid's alias: declared {@code INTEGER} (any case) and named by a primary key,
     * its own or the table's.
     */
    private static boolean mayAliasRowid(List<SqlTokens.Token> column, List<List<SqlTokens.Token>> tableParts) {
        if (column.size() < 2 || !column.get(1).is("INTEGER")) {
            return false;
        }
        if (topLevel(column, "PRIMARY")) {
            return true;
        }
        for (List<SqlTokens.Token> part : tableParts) {
            if (!part.isEmpty() && isConstraint(part.get(0)) && topLevel(part, "PRIMARY")) {
                for (SqlTokens.Token token : part) {
                    if (token.isName() && token.text().equalsIgnoreCase(column.get(0).text())) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static boolean topLevel(List<SqlTokens.Token> part, String keyword) {
        int depth = 0;
        for (SqlTokens.Token token : part) {
            depth += token.is("(") ? 1 : token.is(")") ? -1 : 0;
            if (depth == 0 && token.is(keyword)) {
                return true;
            }
        }
        return false;
    }

    /** The position of the parenthesis that closes the one at {@code open}, or -1. */
    private static int closing(List<SqlTokens.Token> tokens, int open) {
        int depth = 0;
        for (int i = open; i < tokens.size(); i++) {
            depth += tokens.get(i).is("(") ? 1 : tokens.get(i).is(")") ? -1 : 0;
            if (depth == 0) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Whether a {@code CREATE TABLE} declares a {@code WITHOUT ROWID} table, whose b-tree is an index b-tree.
     *
     * @param tableSql the statement
     * @return whether it does; {@code false} for a statement that cannot be read
     */
    public static boolean declaresWithoutRowid(String tableSql) {
        List<SqlTokens.Token> tokens = tableSql == null ? null : SqlTokens.tokenize(tableSql);
        int open = tokens == null ? -1 : indexOf(tokens, "(", 0);
        int close = open < 0 ? -1 : closing(tokens, open);
        int without = close < 0 ? -1 : indexOf(tokens, "WITHOUT", close);
        return without >= 0 && without + 1 < tokens.size() && tokens.get(without + 1).is("ROWID");
    }

    /** {@code name [COLLATE c] [ASC|DESC]}, with the table column's collation as the default. */
    private static IndexKeyComparator.Column column(List<SqlTokens.Token> term,
                                                    List<List<SqlTokens.Token>> tableParts) {
        if (term.isEmpty() || !term.get(0).isName()) {
            return null;
        }
        String collation = null;
        int at = 1;
        if (at + 1 < term.size() && term.get(at).is("COLLATE")) {
            collation = term.get(at + 1).text();
            at += 2;
        }
        boolean descending = at < term.size() && term.get(at).is("DESC");
        if (at < term.size() && (descending || term.get(at).is("ASC"))) {
            at++;
        }
        if (at != term.size()) {
            return null;
        }
        if (collation == null) {
            List<SqlTokens.Token> definition = columnDefinition(tableParts, term.get(0).text());
            if (definition == null) {
                return null;
            }
            collation = lastTopLevelCollation(definition);
        }
        IndexKeyComparator.Collation known = IndexKeyComparator.Collation.named(collation);
        return known == null ? null : new IndexKeyComparator.Column(known, descending);
    }

    /** The last {@code COLLATE} of a column definition outside parentheses (a CHECK may hold others). */
    private static String lastTopLevelCollation(List<SqlTokens.Token> definition) {
        String collation = null;
        int depth = 0;
        for (int i = 1; i < definition.size(); i++) {
            SqlTokens.Token token = definition.get(i);
            depth += token.is("(") ? 1 : token.is(")") ? -1 : 0;
            if (depth == 0 && token.is("COLLATE") && i + 1 < definition.size()) {
                collation = definition.get(i + 1).text();
            }
        }
        return collation;
    }

    /** The definition of a column by name; the rowid's aliases have an empty one; {@code null} when not one. */
    private static List<SqlTokens.Token> columnDefinition(List<List<SqlTokens.Token>> tableParts, String column) {
        List<SqlTokens.Token> found = null;
        for (List<SqlTokens.Token> part : tableParts) {
            if (!part.isEmpty() && part.get(0).isName() && !isConstraint(part.get(0))
                    && part.get(0).text().equalsIgnoreCase(column)) {
                if (found != null) {
                    return null;
                }
                found = part;
            }
        }
        if (found == null && (column.equalsIgnoreCase("rowid") || column.equalsIgnoreCase("oid")
                || column.equalsIgnoreCase("_rowid_"))) {
            return List.of();
        }
        return found;
    }

    private static boolean isConstraint(SqlTokens.Token token) {
        return token.is("CONSTRAINT") || token.is("PRIMARY") || token.is("UNIQUE") || token.is("CHECK")
                || token.is("FOREIGN");
    }

    /**
     * The column definitions and constraints of a rowid table; {@code null} for a {@code WITHOUT ROWID} table, whose
     * indexes end with its primary key columns and their collations rather than a rowid.
     */
    private static List<List<SqlTokens.Token>> tableParts(String tableSql) {
        List<SqlTokens.Token> tokens = SqlTokens.tokenize(tableSql);
        int open = tokens == null ? -1 : indexOf(tokens, "(", 0);
        if (open < 0 || indexOf(tokens, "WITHOUT", open) >= 0) {
            return null;
        }
        return parenthesised(tokens, open);
    }

    /** The comma-separated parts of the parenthesised list opening at {@code open}, {@code null} if not closed. */
    private static List<List<SqlTokens.Token>> parenthesised(List<SqlTokens.Token> tokens, int open) {
        List<List<SqlTokens.Token>> parts = new ArrayList<>();
        List<SqlTokens.Token> part = new ArrayList<>();
        int depth = 0;
        for (int i = open; i < tokens.size(); i++) {
            SqlTokens.Token token = tokens.get(i);
            if (token.is("(") && depth++ == 0) {
                continue;
            }
            if (token.is(")") && --depth == 0) {
                parts.add(part);
                return parts;
            }
            if (token.is(",") && depth == 1) {
                parts.add(part);
                part = new ArrayList<>();
                continue;
            }
            part.add(token);
        }
        return null;
    }

    private static int indexOf(List<SqlTokens.Token> tokens, String keyword, int from) {
        for (int i = from; i < tokens.size(); i++) {
            if (tokens.get(i).is(keyword)) {
                return i;
            }
        }
        return -1;
    }
}
