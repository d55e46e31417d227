/**
 * Public API of the Turso sync client: the client, its configuration, change events and the error types.
 *
 * <p>Everything under {@code dev.tursosync.internal} is implementation and may change without notice.
 */
package dev.tursosync;
