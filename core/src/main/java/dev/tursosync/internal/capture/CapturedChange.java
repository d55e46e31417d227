package dev.tursosync.internal.capture;

import dev.tursosync.ChangeLogCorruptException;

import java.util.Map;

/**
 * One row of the change log.
 *
 * @param id          the change id (grows with every change, never reused)
 * @param transaction the local transaction number; changes of one transaction are pushed together
 * @param time        when it was captured, unix seconds
 * @param table       the table (for schema changes, the object)
 * @param operation   what happened
 * @param rowid       the rowid, or {@code null} for {@code WITHOUT ROWID} tables and schema changes
 * @param before      the row before (update, delete), else {@code null}
 * @param after       the row after (insert, update), else {@code null}
 * @param sql         the DDL statement for a schema change, else {@code null}
 */
public record CapturedChange(long id, long transaction, long time, String table, Operation operation, Long rowid,
                             Map<String, Object> before, Map<String, Object> after, String sql) {

    /** The kind of change. */
    public enum Operation {
        /** A row was inserted. */
        INSERT,
        /** A row was updated. */
        UPDATE,
        /** A row was deleted. */
        DELETE,
        /** The schema changed; {@code sql} replays it. */
        SCHEMA;

        static Operation fromCode(int code) {
            return switch (code) {
                case CaptureTriggers.INSERT -> INSERT;
                case CaptureTriggers.UPDATE -> UPDATE;
                case CaptureTriggers.DELETE -> DELETE;
                case CaptureTriggers.SCHEMA -> SCHEMA;
                default -> throw new ChangeLogCorruptException("unknown operation code " + code + " in the change log",
                        null);
            };
        }
    }
}
