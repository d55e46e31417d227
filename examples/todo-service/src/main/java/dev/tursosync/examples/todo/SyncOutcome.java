package dev.tursosync.examples.todo;

import dev.tursosync.SyncResult;
import java.time.Instant;

/**
 * How one background sync ended.
 *
 * @param finishedAt    when it ended
 * @param succeeded     whether both its push and its pull succeeded
 * @param changesPushed the local changes it pushed (0 if it failed)
 * @param eventsPulled  the change events of its pull (0 if it failed)
 * @param error         why it failed, or {@code null}
 */
public record SyncOutcome(Instant finishedAt, boolean succeeded, long changesPushed, int eventsPulled, String error) {

    /**
     * The outcome of a sync that succeeded.
     *
     * @param result what the sync did
     * @return the outcome, finished now
     */
    public static SyncOutcome succeeded(SyncResult result) {
        return new SyncOutcome(Instant.now(), true, result.push().changesPushed(), result.pulled().size(), null);
    }

    /**
     * The outcome of a sync that failed.
     *
     * @param error the failure
     * @return the outcome, finished now
     */
    public static SyncOutcome failed(Throwable error) {
        return new SyncOutcome(Instant.now(), false, 0, 0, error.toString());
    }
}
