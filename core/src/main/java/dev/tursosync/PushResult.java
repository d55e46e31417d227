package dev.tursosync;

import java.time.Duration;

/**
 * What one {@link SyncClient#push()} did.
 *
 * @param changesPushed local changes the remote now has (including skipped and rewritten ones)
 * @param batches       remote transactions committed
 * @param bytesSent     request bytes sent for the push
 * @param remoteTime    time spent waiting for the remote
 */
public record PushResult(long changesPushed, int batches, long bytesSent, Duration remoteTime) {

    /** A push that had nothing to send. */
    public static final PushResult NOTHING = new PushResult(0, 0, 0, Duration.ZERO);
}
