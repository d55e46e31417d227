package dev.tursosync.internal.events;

import dev.tursosync.internal.sqlite.SchemaEntry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Works out table shapes by letting SQLite itself parse the {@code CREATE TABLE} statements, in a private in-memory
 * database: no hand-written SQL parser, and the same answer SQLite gives for quoting, generated columns and
 * INTEGER PRIMARY KEY aliases.
 */
final class TableShapes implements AutoCloseable {

    private final Connection memory;
    private final Map<String, Optional<TableShape>> bySql = new HashMap<>();

    TableShapes() {
        try {
            memory = DriverManager.getConnection("jdbc:sqlite::memory:");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open an in-memory SQLite database", e);
        }
    }

    /**
     * The shape of a table, or empty if SQLite cannot parse its definition here (the caller then resets it).
     */
    Optional<TableShape> shape(SchemaEntry table) {
        return bySql.computeIfAbsent(table.sql(), sql -> parse(table));
    }

    private Optional<TableShape> parse(SchemaEntry table) {
        try (Statement statement = memory.createStatement()) {
            statement.execute("DROP TABLE IF EXISTS " + quote(table.name()));
            statement.execute(table.sql());
            List<String> columns = new ArrayList<>();
            List<Boolean> realColumns = new ArrayList<>();
            List<String> primaryKeyTypes = new ArrayList<>();
            int primaryKeyIndex = -1;
            try (PreparedStatement info = memory.prepareStatement(
                    "SELECT name, type, pk, hidden FROM pragma_table_xinfo(?) ORDER BY cid")) {
                info.setString(1, table.name());
                try (ResultSet rows = info.executeQuery()) {
                    while (rows.next()) {
                        int hidden = rows.getInt(4);
                        if (hidden == 1 || hidden == 2) {
                            continue;
                        }
                        if (rows.getInt(3) > 0) {
                            primaryKeyTypes.add(rows.getString(2));
                            primaryKeyIndex = columns.size();
                        }
                        columns.add(rows.getString(1));
                        realColumns.add(TableShape.hasRealAffinity(rows.getString(2)));
                    }
                }
            }
            boolean rowidAlias = primaryKeyTypes.size() == 1 && "INTEGER".equalsIgnoreCase(primaryKeyTypes.get(0));
            return Optional.of(new TableShape(columns, realColumns, rowidAlias ? primaryKeyIndex : -1));
        } catch (SQLException e) {
            return Optional.empty();
        }
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    @Override
    public void close() {
        try {
            memory.close();
        } catch (SQLException ignored) {
            // an in-memory database holds nothing to lose
        }
    }
}
