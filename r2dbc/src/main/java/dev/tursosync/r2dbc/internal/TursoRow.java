package dev.tursosync.r2dbc.internal;

import io.r2dbc.spi.RowMetadata;

/** A row read from the cursor; its values were copied, so it stays valid after the cursor moved on. */
final class TursoRow implements CursorRow {

    private final Object[] values;
    private final TursoRowMetadata metadata;

    TursoRow(Object[] values, TursoRowMetadata metadata) {
        this.values = values;
        this.metadata = metadata;
    }

    @Override
    public TursoRow detached() {
        return this;
    }

    @Override
    public RowMetadata getMetadata() {
        return metadata;
    }

    @Override
    public <T> T get(int index, Class<T> type) {
        return Decoding.decode(values[metadata.checkIndex(index)], type);
    }

    @Override
    public <T> T get(String name, Class<T> type) {
        return Decoding.decode(values[metadata.indexOf(name)], type);
    }
}
