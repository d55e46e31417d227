/**
 * Micrometer metrics of a {@link dev.tursosync.SyncClient}: {@link dev.tursosync.micrometer.SyncClientMetrics}.
 * Needs {@code io.micrometer:micrometer-core} (optional in the starter), not Spring.
 */
package dev.tursosync.micrometer;
