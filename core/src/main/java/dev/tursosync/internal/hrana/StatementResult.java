package dev.tursosync.internal.hrana;

import java.util.List;

/**
 * The result of one statement.
 *
 * @param columns          the result columns
 * @param rows             the rows, each a list of values in column order
 * @param affectedRowCount rows changed by the statement (some servers always report 0)
 * @param lastInsertRowid  the last inserted rowid, or {@code null}
 */
public record StatementResult(List<Column> columns, List<List<HranaValue>> rows, long affectedRowCount,
                              Long lastInsertRowid) {

    /**
     * Copies the lists.
     *
     * @param columns          the result columns
     * @param rows             the rows, each a list of values in column order
     * @param affectedRowCount rows changed by the statement (some servers always report 0)
     * @param lastInsertRowid  the last inserted rowid, or {@code null}
     */
    public StatementResult {
        columns = List.copyOf(columns);
        rows = List.copyOf(rows);
    }
}
