package dev.tursosync.r2dbc.internal;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether the texts of a connection's database are stored in UTF-8, so that a text's stored bytes are its UTF-8 form.
 * SQLite fixes a database's text encoding when it writes the file's first page (UTF-8 unless a {@code PRAGMA encoding}
 * chose UTF-16 first; the client's and {@code StandaloneDatabase}'s connections write it when they open, as they set
 * the WAL mode), so the answer is read once per JDBC connection ({@code PRAGMA encoding}) and remembered while the
 * connection is open.
 */
final class TextEncoding {

    private static final Map<Connection, Boolean> UTF8 = new ConcurrentHashMap<>();

    private TextEncoding() {
    }

    /**
     * Whether the database of a connection stores its texts in UTF-8.
     *
     * @param connection the connection, on the thread that holds it
     * @return {@code true} for a UTF-8 database
     * @throws SQLException if reading the encoding fails
     */
    static boolean isUtf8(Connection connection) throws SQLException {
        Boolean known = UTF8.get(connection);
        if (known != null) {
            return known;
        }
        boolean utf8;
        try (Statement pragma = connection.createStatement();
                ResultSet encoding = pragma.executeQuery("PRAGMA encoding")) {
            utf8 = encoding.next() && "UTF-8".equalsIgnoreCase(encoding.getString(1));
        }
        // forget connections closed since (a pool replaces its connections rarely)
        UTF8.keySet().removeIf(StatementCache::isClosed);
        UTF8.put(connection, utf8);
        return utf8;
    }
}
