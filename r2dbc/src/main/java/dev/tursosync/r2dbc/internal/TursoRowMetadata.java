package dev.tursosync.r2dbc.internal;

import io.r2dbc.spi.ColumnMetadata;
import io.r2dbc.spi.RowMetadata;
import java.util.List;
import java.util.NoSuchElementException;

/** The columns of a result; names match case-insensitively, the first of duplicate names wins. */
final class TursoRowMetadata implements RowMetadata {

    private final List<TursoColumnMetadata> columns;

    TursoRowMetadata(List<TursoColumnMetadata> columns) {
        this.columns = List.copyOf(columns);
    }

    int size() {
        return columns.size();
    }

    /** The index of a column; throws {@link NoSuchElementException} if there is none of that name. */
    int indexOf(String name) {
        if (name == null) {
            throw new IllegalArgumentException("name must not be null");
        }
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).getName().equalsIgnoreCase(name)) {
                return i;
            }
        }
        throw new NoSuchElementException("no column named " + name + " in " + columns);
    }

    /** Checks an index; throws {@link IndexOutOfBoundsException} outside the columns. */
    int checkIndex(int index) {
        if (index < 0 || index >= columns.size()) {
            throw new IndexOutOfBoundsException("column index " + index + " outside 0.." + (columns.size() - 1));
        }
        return index;
    }

    @Override
    public ColumnMetadata getColumnMetadata(int index) {
        return columns.get(checkIndex(index));
    }

    @Override
    public ColumnMetadata getColumnMetadata(String name) {
        return columns.get(indexOf(name));
    }

    @Override
    public List<? extends ColumnMetadata> getColumnMetadatas() {
        return columns;
    }

    @Override
    public boolean contains(String columnName) {
        return columns.stream().anyMatch(column -> column.getName().equalsIgnoreCase(columnName));
    }
}
