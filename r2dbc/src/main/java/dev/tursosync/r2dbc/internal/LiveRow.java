package dev.tursosync.r2dbc.internal;

import io.r2dbc.spi.Row;
import io.r2dbc.spi.RowMetadata;
import java.sql.SQLException;

/**
 * The row the cursor stands on, read only for the columns the mapping function asks for, while it runs: R2DBC rows
 * are valid only inside that function. Each value is read from SQLite when asked ({@link Cursor#value}), so a column
 * nobody reads is never copied or decoded; once the function returned the row refuses to be read.
 */
final class LiveRow implements CursorRow {

    private final TursoRowMetadata metadata;
    /** The cursor standing on this row, {@code null} once the mapping function returned. */
    private Cursor cursor;

    LiveRow(Cursor cursor, TursoRowMetadata metadata) {
        this.cursor = cursor;
        this.metadata = metadata;
    }

    /** Ends the row's validity: the mapping function returned, the cursor is about to step. */
    void release() {
        cursor = null;
    }

    @Override
    public RowMetadata getMetadata() {
        return metadata;
    }

    @Override
    public <T> T get(int index, Class<T> type) {
        return Decoding.decode(value(metadata.checkIndex(index)), type);
    }

    @Override
    public <T> T get(String name, Class<T> type) {
        return Decoding.decode(value(metadata.indexOf(name)), type);
    }

    @Override
    public TursoRow detached() {
        Object[] values = new Object[metadata.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = value(i);
        }
        return new TursoRow(values, metadata);
    }

    private Object value(int index) {
        Cursor current = cursor;
        if (current == null) {
            throw new IllegalStateException("a Row is valid only inside the function that maps it");
        }
        try {
            return current.value(index);
        } catch (SQLException e) {
            Throwable translated = Errors.translate(e, null);
            throw translated instanceof RuntimeException runtime ? runtime : new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return cursor == null ? "Row (no longer valid)" : Row.class.getSimpleName();
    }
}
