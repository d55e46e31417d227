package dev.tursosync.spring.boot.actuate;

import dev.tursosync.ChangeLogCorruptException;
import dev.tursosync.PushRejectedException;
import dev.tursosync.ReplayFailedException;
import dev.tursosync.SyncAuthenticationException;
import dev.tursosync.SyncMetadataException;
import dev.tursosync.SyncState;
import dev.tursosync.SyncStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Follows a client's {@link SyncStatus} stream and tells whether its sync is healthy: it is not once it has kept
 * failing for longer than a duration, at once on an error that waiting does not cure (authentication, a change that
 * cannot be replayed or pushed, a damaged change log or metadata), and when the client is closed.
 */
final class SyncFailureTracker {

    private final Duration maxFailureDuration;
    private final Clock clock;
    private SyncStatus latest;
    private Instant failingSince;

    SyncFailureTracker(Duration maxFailureDuration, Clock clock) {
        this.maxFailureDuration = maxFailureDuration;
        this.clock = clock;
    }

    synchronized void update(SyncStatus status) {
        if (status.error().isEmpty()) {
            failingSince = null;
        } else if (failingSince == null) {
            failingSince = clock.instant();
        }
        latest = status;
    }

    synchronized Optional<SyncStatus> latest() {
        return Optional.ofNullable(latest);
    }

    synchronized Optional<Instant> failingSince() {
        return Optional.ofNullable(failingSince);
    }

    /** Whether sync is healthy now. */
    synchronized boolean healthy() {
        if (latest == null) {
            return true;
        }
        if (latest.state() == SyncState.CLOSED) {
            return false;
        }
        if (latest.error().map(SyncFailureTracker::permanent).orElse(false)) {
            return false;
        }
        return failingSince == null || !clock.instant().isAfter(failingSince.plus(maxFailureDuration));
    }

    static boolean permanent(Throwable error) {
        return error instanceof SyncAuthenticationException || error instanceof ReplayFailedException
                || error instanceof PushRejectedException || error instanceof ChangeLogCorruptException
                || error instanceof SyncMetadataException;
    }
}
