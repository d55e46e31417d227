/**
 * Spring Data R2DBC support, found through {@code META-INF/spring.factories}: the SQLite dialect and bind markers.
 * Spring is an optional dependency; these classes are only loaded when it is present.
 *
 * <p>Types are non-null unless annotated {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package dev.tursosync.r2dbc.spring;

import org.jspecify.annotations.NullMarked;
