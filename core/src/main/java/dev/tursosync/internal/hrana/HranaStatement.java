package dev.tursosync.internal.hrana;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One SQL statement with positional arguments.
 *
 * @param sql      the SQL text
 * @param args     the values bound to {@code ?} markers, in order
 * @param wantRows whether the server should return the rows
 */
public record HranaStatement(String sql, List<HranaValue> args, boolean wantRows) {

    /**
     * Validates and copies.
     *
     * @param sql      the SQL text
     * @param args     the values bound to {@code ?} markers, in order
     * @param wantRows whether the server should return the rows
     */
    public HranaStatement {
        Objects.requireNonNull(sql, "sql");
        args = List.copyOf(args);
    }

    /**
     * A statement whose rows are wanted, with arguments converted by {@link HranaValue#of(Object)}.
     *
     * @param sql  the SQL text
     * @param args Java values
     * @return the statement
     */
    public static HranaStatement query(String sql, Object... args) {
        return new HranaStatement(sql, convert(args), true);
    }

    /**
     * A statement whose rows are not wanted, with arguments converted by {@link HranaValue#of(Object)}.
     *
     * @param sql  the SQL text
     * @param args Java values
     * @return the statement
     */
    public static HranaStatement update(String sql, Object... args) {
        return new HranaStatement(sql, convert(args), false);
    }

    private static List<HranaValue> convert(Object[] args) {
        List<HranaValue> values = new ArrayList<>(args.length);
        for (Object arg : args) {
            values.add(HranaValue.of(arg));
        }
        return values;
    }
}
