package dev.tursosync.internal.events;

import dev.tursosync.internal.db.ReplicaConnections;
import dev.tursosync.internal.sqlite.SchemaEntry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Works out table shapes by letting SQLite itself parse the {@code CREATE TABLE} statements, in a private in-memory
 * database: no hand-written SQL parser, and the same answer SQLite gives for quoting, generated columns and
 * INTEGER PRIMARY KEY aliases.
 *
 * <p>Shapes are remembered by definition for the life of this object (at most {@value #MAX_REMEMBERED} of them), so
 * a pull whose schema did not change opens no database at all; the in-memory database is opened for each look-up
 * that misses and closed right after. Safe for use by several threads.
 */
final class TableShapes {

    /** Above this many remembered definitions the memory is cleared (a schema that keeps changing). */
    static final int MAX_REMEMBERED = 1024;

    /** Defaults that {@code ALTER TABLE ADD COLUMN} refuses, besides expressions in parentheses. */
    private static final Set<String> TIME_DEFAULTS = Set.of("CURRENT_TIME", "CURRENT_DATE", "CURRENT_TIMESTAMP");

    private final Map<String, Optional<TableShape>> bySql = new HashMap<>();

    /**
     * The shape of a table, or empty if SQLite cannot parse its definition here (the caller then resets it).
     */
    synchronized Optional<TableShape> shape(SchemaEntry table) {
        Optional<TableShape> known = bySql.get(table.sql());
        if (known != null) {
            return known;
        }
        if (bySql.size() >= MAX_REMEMBERED) {
            bySql.clear();
        }
        Optional<TableShape> parsed = parse(table);
        bySql.put(table.sql(), parsed);
        return parsed;
    }

    private static Optional<TableShape> parse(SchemaEntry table) {
        Connection memory;
        try {
            memory = ReplicaConnections.inMemory();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open an in-memory SQLite database", e);
        }
        try (memory) {
            return parse(memory, table);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot close an in-memory SQLite database", e);
        }
    }

    private static Optional<TableShape> parse(Connection memory, SchemaEntry table) {
        try (Statement statement = memory.createStatement()) {
            statement.execute(table.sql());
            List<String> columns = new ArrayList<>();
            List<Boolean> realColumns = new ArrayList<>();
            List<String> types = new ArrayList<>();
            List<String> defaults = new ArrayList<>();
            List<String> primaryKeyTypes = new ArrayList<>();
            int primaryKeyIndex = -1;
            try (PreparedStatement info = memory.prepareStatement(
                    "SELECT name, type, pk, hidden, dflt_value FROM pragma_table_xinfo(?) ORDER BY cid")) {
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
                        types.add(rows.getString(2));
                        defaults.add(rows.getString(5));
                    }
                }
            }
            Object[] missingValues = new Object[columns.size()];
            for (int i = 0; i < missingValues.length; i++) {
                missingValues[i] = missingValue(memory, i, defaults.get(i), types.get(i));
            }
            boolean rowidAlias = primaryKeyTypes.size() == 1 && "INTEGER".equalsIgnoreCase(primaryKeyTypes.get(0));
            return Optional.of(new TableShape(columns, realColumns, rowidAlias ? primaryKeyIndex : -1,
                    missingValues));
        } catch (SQLException e) {
            return Optional.empty();
        }
    }

    /**
     * What SQLite reads for a column that a record does not have (one written before {@code ALTER TABLE ADD COLUMN}):
     * its default with the column's affinity applied, worked out by SQLite itself (the default stored through a
     * column of the same declared type). {@code ADD COLUMN} takes only constant defaults (no {@code CURRENT_TIME},
     * {@code CURRENT_DATE}, {@code CURRENT_TIMESTAMP} or expression in parentheses); a column whose default is one
     * of those was in the table from its creation, so every record SQLite wrote holds it, and it reads as
     * {@code null} here.
     */
    private static Object missingValue(Connection memory, int column, String defaultSql, String declaredType)
            throws SQLException {
        if (defaultSql == null || defaultSql.startsWith("(")
                || TIME_DEFAULTS.contains(defaultSql.strip().toUpperCase(Locale.ROOT))) {
            return null;
        }
        String holder = "temp.tursosync_default_" + column;
        try (Statement statement = memory.createStatement()) {
            statement.execute("CREATE TABLE " + holder + "(x " + declaredType + ")");
            statement.execute("INSERT INTO " + holder + " VALUES (" + defaultSql + ")");
            try (ResultSet value = statement.executeQuery("SELECT typeof(x), x FROM " + holder)) {
                value.next();
                return switch (value.getString(1)) {
                    case "integer" -> value.getLong(2);
                    case "real" -> value.getDouble(2);
                    case "text" -> value.getString(2);
                    case "blob" -> value.getBytes(2);
                    default -> null;
                };
            } finally {
                statement.execute("DROP TABLE " + holder);
            }
        }
    }
}
