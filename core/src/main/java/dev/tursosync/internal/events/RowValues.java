package dev.tursosync.internal.events;

import dev.tursosync.internal.sqlite.LeafRows;
import dev.tursosync.internal.sqlite.Record;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The values of one row as a change event carries them: an unmodifiable map from column name to value, in column
 * order, over one array.
 *
 * <p>Only the decoder makes them, from a record it decodes straight into the array, which nothing else ever sees; so
 * an instance never changes, and {@link dev.tursosync.ChangeEvent} keeps it as it is instead of copying it.
 */
public final class RowValues extends AbstractMap<String, Object> {

    private final TableShape shape;
    private final Object[] values;

    private RowValues(TableShape shape, Object[] values) {
        this.shape = shape;
        this.values = values;
    }

    /**
     * The values of a row as SQL would return them: the rowid in the INTEGER PRIMARY KEY column, whole numbers of
     * REAL columns as {@code Double}, the column's default for columns the record does not have (added after it was
     * written), as SQLite reads them.
     *
     * @param shape the table's columns
     * @param rows  the leaf holding the row
     * @param index the row on the leaf
     * @param rowid the row's rowid, the value of the INTEGER PRIMARY KEY column
     * @return the values
     * @throws dev.tursosync.internal.sqlite.SqliteFormatException if the record is malformed
     * @throws IllegalArgumentException if the record holds a value in the INTEGER PRIMARY KEY column
     */
    static RowValues decode(TableShape shape, LeafRows rows, int index, Long rowid) {
        Object[] values = new Object[shape.columnCount()];
        int stored = rows.decodeInto(index, values);
        for (int i = stored; i < values.length; i++) {
            values[i] = i == shape.aliasColumn() ? null : shape.missingValue(i);
        }
        if (shape.aliasColumn() >= 0) {
            Record.putRowid(values, shape.aliasColumn(), rowid);
        }
        if (shape.hasRealColumns()) {
            for (int i = 0; i < values.length; i++) {
                values[i] = shape.sqlValue(i, values[i]);
            }
        }
        return new RowValues(shape, values);
    }

    /**
     * Whether another row of the same table has the same values as SQL reads them: same types, text and blobs
     * by content, REALs by their bits ({@code -0.0} differs from {@code 0.0}).
     *
     * @param other the other row's values
     * @return true if every column holds an equal value
     */
    boolean sameValues(RowValues other) {
        Object[] others = other.values;
        if (others.length != values.length) {
            return false;
        }
        for (int i = 0; i < values.length; i++) {
            Object value = values[i];
            Object otherValue = others[i];
            if (value == otherValue) {
                continue;
            }
            if (value == null || otherValue == null) {
                return false;
            }
            boolean same = value instanceof byte[] bytes
                    ? otherValue instanceof byte[] otherBytes && Arrays.equals(bytes, otherBytes)
                    : value.equals(otherValue);
            if (!same) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int size() {
        return values.length;
    }

    @Override
    public boolean containsKey(Object column) {
        return shape.position(column) >= 0;
    }

    @Override
    public Object get(Object column) {
        int position = shape.position(column);
        return position >= 0 ? values[position] : null;
    }

    @Override
    public void forEach(BiConsumer<? super String, ? super Object> action) {
        for (int i = 0; i < values.length; i++) {
            action.accept(shape.column(i), values[i]);
        }
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, Object>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < values.length;
                    }

                    @Override
                    public Entry<String, Object> next() {
                        if (next >= values.length) {
                            throw new NoSuchElementException();
                        }
                        int i = next++;
                        return new SimpleImmutableEntry<>(shape.column(i), values[i]);
                    }
                };
            }

            @Override
            public int size() {
                return values.length;
            }
        };
    }
}
