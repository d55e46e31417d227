package dev.tursosync;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A snapshot of the client's counters and state.
 *
 * @param revision          the remote revision the local database mirrors, or {@code null} before the first pull
 * @param bytesSent         request body bytes sent since the client was opened
 * @param bytesReceived     reply body bytes received since the client was opened
 * @param databaseSizeBytes the size of the local database file
 * @param walSizeBytes      the size of the local write-ahead log
 * @param revertStoreSizeBytes the size of the revert store {@code <db>-revert}: the synced versions of pages that a
 *                          checkpoint folded local changes into since the last pull
 * @param lastPullTime      when the last pull completed, or {@code null}
 * @param lastPushTime      when the last push completed, or {@code null}
 * @param pendingChanges    captured local changes (row changes and schema changes) not yet pushed
 */
public record SyncStats(@Nullable String revision, long bytesSent, long bytesReceived, long databaseSizeBytes,
                        long walSizeBytes, long revertStoreSizeBytes, @Nullable Instant lastPullTime, @Nullable Instant lastPushTime, long pendingChanges) {
}
