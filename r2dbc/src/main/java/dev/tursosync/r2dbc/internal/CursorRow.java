package dev.tursosync.r2dbc.internal;

import io.r2dbc.spi.Row;

/**
 * A row given to a result's mapping function: either read whole already ({@link TursoRow}) or read from the cursor
 * while it stands on the row ({@link LiveRow}).
 */
interface CursorRow extends Row {

    /**
     * The row with its values copied, valid after the mapping function returned (for a row segment, which the
     * application may read later).
     *
     * @return a row that no longer needs the cursor
     */
    TursoRow detached();
}
