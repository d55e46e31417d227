/**
 * The service provider interface of the sync client: how a statement layer (the R2DBC driver
 * {@code tursosync-r2dbc}, a JDBC {@code DataSource}) runs SQL on the client's own connections, so that every
 * statement runs under the client's rules: change capture sees it, pulls wait for it, and it waits for a running
 * pull. Reached through {@link dev.tursosync.SyncClient#localDatabase()}.
 *
 * <p>Applications use the R2DBC driver or {@link dev.tursosync.SyncClient#dataSource()}; this package is for the code
 * of such drivers. It is public and documented, unlike {@code dev.tursosync.internal}, and changes only with notice
 * in the changelog.
 *
 * <p>Types are non-null unless annotated {@link org.jspecify.annotations.Nullable} (JSpecify
 * {@link org.jspecify.annotations.NullMarked}).
 */
@NullMarked
package dev.tursosync.spi;

import org.jspecify.annotations.NullMarked;
