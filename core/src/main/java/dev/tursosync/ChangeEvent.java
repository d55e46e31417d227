package dev.tursosync;

import dev.tursosync.internal.events.RowValues;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A change that a pull brought into the local database.
 *
 * <p>Values are {@code null}, {@code Long}, {@code Double}, {@code String} or {@code byte[]}, keyed by column name
 * in declaration order. For the INTEGER PRIMARY KEY column of a rowid table the value is the rowid.
 *
 * @param table     the table name
 * @param operation what happened
 * @param rowid     the rowid of the row, or {@code null} for {@link ChangeOperation#RESET}
 * @param newValues the row after the change (INSERT, UPDATE), otherwise empty
 * @param oldValues the row before the change (UPDATE, DELETE), otherwise empty
 */
public record ChangeEvent(String table, ChangeOperation operation, @Nullable Long rowid,
                          Map<String, @Nullable Object> newValues, Map<String, @Nullable Object> oldValues) {

    /**
     * Validates and freezes the maps.
     *
     * @param table     the table name
     * @param operation what happened
     * @param rowid     the rowid of the row, or {@code null} for {@link ChangeOperation#RESET}
     * @param newValues the row after the change (INSERT, UPDATE), otherwise empty
     * @param oldValues the row before the change (UPDATE, DELETE), otherwise empty
     */
    public ChangeEvent {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(operation, "operation");
        newValues = freeze(newValues);
        oldValues = freeze(oldValues);
    }

    /**
     * A reset of a whole table.
     *
     * @param table the table name
     * @return the event
     */
    public static ChangeEvent reset(String table) {
        return new ChangeEvent(table, ChangeOperation.RESET, null, Map.of(), Map.of());
    }

    private static Map<String, Object> freeze(Map<String, Object> values) {
        if (values == null || values.isEmpty()) {
            return Map.of();
        }
        // the decoder's maps are immutable already: nothing else holds their array
        return values instanceof RowValues ? values : Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }
}
