package dev.tursosync.internal.capture;

/**
 * A change-log row exactly as stored, for keeping pending changes outside the database (the rebase journal).
 *
 * @param id          the change id
 * @param transaction the local transaction number
 * @param time        capture time, unix seconds
 * @param table       the table or schema object
 * @param operation   the operation code
 * @param rowid       the rowid, or {@code null}
 * @param before      the JSON image before, or {@code null}
 * @param after       the JSON image after, or {@code null}
 * @param sql         the DDL of a schema change, or {@code null}
 */
public record LogRow(long id, long transaction, long time, String table, int operation, Long rowid, String before,
                     String after, String sql) {

    /**
     * Decodes the row.
     *
     * @return the change
     * @throws dev.tursosync.ChangeLogCorruptException if the row is damaged
     */
    public CapturedChange toChange() {
        return new CapturedChange(id, transaction, time, table, CapturedChange.Operation.fromCode(operation), rowid,
                RowImages.parse(before), RowImages.parse(after), sql);
    }
}
