package dev.tursosync.internal.events;

import java.util.List;
import java.util.Locale;

/**
 * The stored columns of a rowid table, in record order, which one is the rowid alias, and which have REAL affinity.
 *
 * @param columns     column names as stored in records (virtual generated columns excluded)
 * @param realColumns for each column, whether it has REAL affinity: SQLite stores whole-number values of such
 *                    columns as integers on disk and reads them back as REAL
 * @param aliasColumn index of the INTEGER PRIMARY KEY column, whose stored value is the rowid, or -1
 */
record TableShape(List<String> columns, List<Boolean> realColumns, int aliasColumn) {

    TableShape {
        columns = List.copyOf(columns);
        realColumns = List.copyOf(realColumns);
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

    /** The value as SQL would return it. */
    Object sqlValue(int column, Object stored) {
        return stored instanceof Long integer && realColumns.get(column) ? (Object) integer.doubleValue() : stored;
    }
}
