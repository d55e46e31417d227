package dev.tursosync.internal.capture;

import dev.tursosync.internal.sql.RowidAlias;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What capture needs to know about one user table: its stored columns (generated columns are left out: the remote
 * computes them), whether it has a rowid, and which columns never hold a blob.
 *
 * @param name         the table name
 * @param columns      the stored columns, in declaration order
 * @param withoutRowid whether the table is {@code WITHOUT ROWID}
 * @param rowidAlias   the name that reaches the row id (see {@link RowidAlias}), {@code null} for a
 *                     {@code WITHOUT ROWID} table or one whose columns shadow every alias
 * @param integerKey   the {@code INTEGER PRIMARY KEY} column that is the row id itself (so it only ever holds an
 *                     integer), or {@code null}
 * @param typed        the columns of a {@code STRICT} table declared {@code INT}, {@code INTEGER}, {@code REAL} or
 *                     {@code TEXT}: SQLite refuses to write a blob into them, so a row it has just written holds
 *                     none there (empty for a table that is not {@code STRICT})
 */
public record CapturedTable(String name, List<String> columns, boolean withoutRowid, String rowidAlias,
                            String integerKey, Set<String> typed) {

    /** The types a {@code STRICT} table's column refuses a blob under ({@code ANY} and {@code BLOB} take one). */
    private static final Set<String> BLOB_FREE_TYPES = Set.of("INT", "INTEGER", "REAL", "TEXT");

    /**
     * Reads a table's shape on a connection (inside its transaction, so it sees uncommitted DDL).
     *
     * @param connection the connection
     * @param table      the table name
     * @return the shape, or empty for a virtual table or one that does not exist
     * @throws SQLException if reading fails
     */
    public static Optional<CapturedTable> read(Connection connection, String table) throws SQLException {
        boolean withoutRowid;
        boolean strict;
        try (PreparedStatement kind = connection.prepareStatement(
                "SELECT type, wr, strict FROM pragma_table_list WHERE schema = 'main' AND name = ?")) {
            kind.setString(1, table);
            try (ResultSet row = kind.executeQuery()) {
                if (!row.next() || !"table".equals(row.getString(1))) {
                    return Optional.empty();
                }
                withoutRowid = row.getInt(2) != 0;
                strict = row.getInt(3) != 0;
            }
        }
        List<String> columns = new ArrayList<>();
        List<String> all = new ArrayList<>();
        List<String> integerKeys = new ArrayList<>();
        Set<String> typed = new HashSet<>();
        int keyColumns = 0;
        try (PreparedStatement info = connection.prepareStatement(
                "SELECT name, hidden, pk, type FROM pragma_table_xinfo(?) ORDER BY cid")) {
            info.setString(1, table);
            try (ResultSet rows = info.executeQuery()) {
                while (rows.next()) {
                    all.add(rows.getString(1));
                    if (rows.getInt(2) == 0) {
                        columns.add(rows.getString(1));
                        if (strict && BLOB_FREE_TYPES.contains(String.valueOf(rows.getString(4))
                                .toUpperCase(Locale.ROOT))) {
                            typed.add(rows.getString(1));
                        }
                    }
                    if (rows.getInt(3) > 0) {
                        keyColumns++;
                        if ("INTEGER".equalsIgnoreCase(rows.getString(4))) {
                            integerKeys.add(rows.getString(1));
                        }
                    }
                }
            }
        }
        String rowidAlias = withoutRowid ? null : RowidAlias.of(all).orElse(null);
        String integerKey = !withoutRowid && keyColumns == 1 && integerKeys.size() == 1
                && !hasKeyIndex(connection, table) ? integerKeys.get(0) : null;
        return Optional.of(new CapturedTable(table, List.copyOf(columns), withoutRowid, rowidAlias, integerKey,
                Set.copyOf(typed)));
    }

    /**
     * Whether SQLite made an index for the primary key: it does for every primary key of a rowid table except an
     * {@code INTEGER PRIMARY KEY} that is the row id (not, for one, a column declared {@code INTEGER PRIMARY KEY
     * DESC}, which is an ordinary column with a unique index).
     */
    private static boolean hasKeyIndex(Connection connection, String table) throws SQLException {
        try (PreparedStatement indexes = connection.prepareStatement(
                "SELECT 1 FROM pragma_index_list(?) WHERE origin = 'pk'")) {
            indexes.setString(1, table);
            try (ResultSet row = indexes.executeQuery()) {
                return row.next();
            }
        }
    }
}
