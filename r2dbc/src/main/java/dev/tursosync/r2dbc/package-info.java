/**
 * An R2DBC SPI 1.0 driver over the SQLite database a {@link dev.tursosync.SyncClient} keeps in sync: start with
 * {@link dev.tursosync.r2dbc.TursoConnectionFactory#of(dev.tursosync.SyncClient)} or an
 * {@code r2dbc:turso:///path/app.db?url=...} URL. Implementation classes live in
 * {@code dev.tursosync.r2dbc.internal} and are not API.
 *
 * <p>Types are non-null unless annotated {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package dev.tursosync.r2dbc;

import org.jspecify.annotations.NullMarked;
