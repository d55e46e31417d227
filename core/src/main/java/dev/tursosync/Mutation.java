package dev.tursosync;

import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A captured local row change on its way to the remote, as the push transform hook sees it
 * ({@link SyncClient.Builder#transform}). Values are {@code Long}, {@code Double}, {@code String}, {@code byte[]}
 * or {@code null}, keyed by column name in declaration order.
 *
 * @param table      the table
 * @param operation  {@link ChangeOperation#INSERT}, {@link ChangeOperation#UPDATE} or {@link ChangeOperation#DELETE}
 * @param rowid      the local rowid, or {@code null} for a {@code WITHOUT ROWID} table
 * @param before     the row before the change (update, delete), else an empty map
 * @param after      the row after the change (insert, update), else an empty map
 * @param changeTime when the change was made locally (second precision)
 */
public record Mutation(String table, ChangeOperation operation, @Nullable Long rowid,
                       Map<String, @Nullable Object> before, Map<String, @Nullable Object> after, Instant changeTime) {

    /**
     * Validates and copies.
     *
     * @param table      the table
     * @param operation  {@link ChangeOperation#INSERT}, {@link ChangeOperation#UPDATE} or {@link ChangeOperation#DELETE}
     * @param rowid      the local rowid, or {@code null} for a {@code WITHOUT ROWID} table
     * @param before     the row before the change (update, delete), else an empty map
     * @param after      the row after the change (insert, update), else an empty map
     * @param changeTime when the change was made locally (second precision)
     */
    public Mutation {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(operation, "operation");
        before = before == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(before));
        after = after == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(after));
    }

    /**
     * For an update, the columns whose value changed, with their new values; empty otherwise.
     *
     * @return the changed columns
     */
    public Map<String, @Nullable Object> updates() {
        if (operation != ChangeOperation.UPDATE) {
            return Map.of();
        }
        Map<String, Object> changed = new LinkedHashMap<>();
        after.forEach((column, value) -> {
            if (!before.containsKey(column) || !sameValue(before.get(column), value)) {
                changed.put(column, value);
            }
        });
        return Collections.unmodifiableMap(changed);
    }

    /**
     * Whether two column values are the same SQLite value (blobs compared by content).
     *
     * @param a one value
     * @param b the other
     * @return whether they are equal
     */
    public static boolean sameValue(@Nullable Object a, @Nullable Object b) {
        if (a instanceof byte[] x && b instanceof byte[] y) {
            return Arrays.equals(x, y);
        }
        return Objects.equals(a, b);
    }
}
