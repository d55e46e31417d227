package dev.tursosync.internal.events;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The stored columns of a rowid table, in record order, which one is the rowid alias, which have REAL affinity, and
 * the value SQL reads for each in a record written before the column was added. Immutable; shared by every
 * {@link RowValues} of the table.
 */
final class TableShape {

    private final String[] columns;
    private final Map<String, Integer> positions;
    private final boolean[] realColumns;
    private final boolean anyRealColumn;
    private final int aliasColumn;
    private final Object[] missingValues;

    /**
     * Creates a shape whose columns read as {@code null} where a record does not have them.
     *
     * @param columns     column names as stored in records (virtual generated columns excluded), distinct
     * @param realColumns for each column, whether it has REAL affinity: SQLite stores whole-number values of such
     *                    columns as integers on disk and reads them back as REAL
     * @param aliasColumn index of the INTEGER PRIMARY KEY column, whose stored value is the rowid, or -1
     */
    TableShape(List<String> columns, List<Boolean> realColumns, int aliasColumn) {
        this(columns, realColumns, aliasColumn, new Object[columns.size()]);
    }

    /**
     * Creates a shape.
     *
     * @param columns       column names as stored in records (virtual generated columns excluded), distinct
     * @param realColumns   for each column, whether it has REAL affinity: SQLite stores whole-number values of such
     *                      columns as integers on disk and reads them back as REAL
     * @param aliasColumn   index of the INTEGER PRIMARY KEY column, whose stored value is the rowid, or -1
     * @param missingValues for each column, what SQL reads where a record does not have it (a record written before
     *                      {@code ALTER TABLE ADD COLUMN}): the column's default, its affinity applied, or
     *                      {@code null}
     */
    TableShape(List<String> columns, List<Boolean> realColumns, int aliasColumn, Object[] missingValues) {
        if (columns.size() != realColumns.size() || columns.size() != missingValues.length) {
            throw new IllegalArgumentException(columns.size() + " columns but " + realColumns.size()
                    + " affinities and " + missingValues.length + " defaults");
        }
        this.missingValues = missingValues.clone();
        this.columns = columns.toArray(String[]::new);
        this.positions = new HashMap<>(2 * this.columns.length);
        this.realColumns = new boolean[this.columns.length];
        for (int i = 0; i < this.columns.length; i++) {
            positions.put(this.columns[i], i);
            this.realColumns[i] = realColumns.get(i);
        }
        this.anyRealColumn = realColumns.contains(true);
        this.aliasColumn = aliasColumn;
    }

    /**
     * SQLite's affinity rules (datatype3.html section 3.1), in their order: INT, then CHAR/CLOB/TEXT, then BLOB or
     * no type, then REAL/FLOA/DOUB.
     */
    static boolean hasRealAffinity(String declaredType) {
        String type = declaredType == null ? "" : declaredType.toUpperCase(Locale.ROOT);
        if (type.contains("INT") || type.contains("CHAR") || type.contains("CLOB") || type.contains("TEXT")
                || type.contains("BLOB") || type.isEmpty()) {
            return false;
        }
        return type.contains("REAL") || type.contains("FLOA") || type.contains("DOUB");
    }

    int columnCount() {
        return columns.length;
    }

    String column(int index) {
        return columns[index];
    }

    /** The index of a column, or -1. */
    int position(Object column) {
        Integer position = positions.get(column);
        return position != null ? position : -1;
    }

    /** What SQL reads for a column a record does not have: its default, or {@code null}. */
    Object missingValue(int column) {
        return missingValues[column];
    }

    /** Index of the INTEGER PRIMARY KEY column, or -1. */
    int aliasColumn() {
        return aliasColumn;
    }

    /** Whether a column has REAL affinity, so that {@link #sqlValue} can change a stored value. */
    boolean hasRealColumns() {
        return anyRealColumn;
    }

    /** The value as SQL would return it. */
    Object sqlValue(int column, Object stored) {
        return stored instanceof Long integer && realColumns[column] ? (Object) integer.doubleValue() : stored;
    }
}
