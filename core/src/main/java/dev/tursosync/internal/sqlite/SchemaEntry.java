package dev.tursosync.internal.sqlite;

/**
 * One row of the {@code sqlite_schema} table.
 *
 * @param type     "table", "index", "view" or "trigger"
 * @param name     the object's name
 * @param tblName  the table the object belongs to (its own name for tables and views)
 * @param rootPage the root page of its b-tree, 0 for views and triggers (and virtual tables)
 * @param sql      the CREATE statement, null for automatic indexes
 */
public record SchemaEntry(String type, String name, String tblName, long rootPage, String sql) {

    /**
     * Whether this entry is a table.
     *
     * @return true when {@code type} is "table"
     */
    public boolean isTable() {
        return "table".equals(type);
    }

    /**
     * Whether this entry is an index.
     *
     * @return true when {@code type} is "index"
     */
    public boolean isIndex() {
        return "index".equals(type);
    }
}
