/**
 * Public API of the Turso sync client: the client, its configuration, change events and the error types.
 *
 * <p>Everything under {@code dev.tursosync.internal} is implementation and may change without notice.
 *
 * <p>Types are non-null unless annotated {@link org.jspecify.annotations.Nullable} (JSpecify
 * {@link org.jspecify.annotations.NullMarked}), so Kotlin and nullness checkers see which values may be absent.
 */
@NullMarked
package dev.tursosync;

import org.jspecify.annotations.NullMarked;
