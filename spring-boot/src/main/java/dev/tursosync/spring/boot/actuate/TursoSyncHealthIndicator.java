package dev.tursosync.spring.boot.actuate;

import dev.tursosync.SyncClient;
import dev.tursosync.SyncStats;
import dev.tursosync.SyncStatus;
import java.time.Clock;
import java.time.Duration;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.actuate.health.AbstractReactiveHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * The {@code tursoSync} health component: UP while sync works; DOWN once sync has kept failing for longer than
 * {@code tursosync.health.max-failure-duration} (default 1 minute), at once on an error that waiting does not cure
 * (authentication, replay, a rejected push, damaged local state), and when the client is closed. Its details are
 * the state, the last successful pull and push, the pending local changes, the revision, and the last error's type
 * and message (which never hold a token or key), with since when it fails and the next attempt.
 */
public class TursoSyncHealthIndicator extends AbstractReactiveHealthIndicator implements DisposableBean {

    private final SyncClient client;
    private final SyncFailureTracker tracker;
    private final Disposable following;

    /**
     * Follows the client's status from now on.
     *
     * @param client             the client
     * @param maxFailureDuration how long sync may fail before DOWN
     */
    public TursoSyncHealthIndicator(SyncClient client, Duration maxFailureDuration) {
        this(client, maxFailureDuration, Clock.systemUTC());
    }

    /**
     * Follows the client's status from now on, with a clock.
     *
     * @param client             the client
     * @param maxFailureDuration how long sync may fail before DOWN
     * @param clock              the time of failures and checks
     */
    public TursoSyncHealthIndicator(SyncClient client, Duration maxFailureDuration, Clock clock) {
        super("tursoSync health check failed");
        this.client = client;
        this.tracker = new SyncFailureTracker(maxFailureDuration, clock);
        this.following = client.status().subscribe(tracker::update);
    }

    @Override
    protected Mono<Health> doHealthCheck(Health.Builder builder) {
        return client.stats().map(stats -> {
            builder.status(tracker.healthy() ? "UP" : "DOWN");
            tracker.latest().ifPresent(status -> describe(builder, status));
            describe(builder, stats);
            tracker.failingSince().ifPresent(since -> builder.withDetail("failingSince", since.toString()));
            return builder.build();
        });
    }

    private static void describe(Health.Builder builder, SyncStatus status) {
        builder.withDetail("state", status.state().name());
        status.lastPull().ifPresent(at -> builder.withDetail("lastPull", at.toString()));
        status.lastPush().ifPresent(at -> builder.withDetail("lastPush", at.toString()));
        status.nextAttempt().ifPresent(at -> builder.withDetail("nextAttempt", at.toString()));
        status.error().ifPresent(error -> builder.withDetail("error",
                error.getClass().getSimpleName() + (error.getMessage() == null ? "" : ": " + error.getMessage())));
    }

    private static void describe(Health.Builder builder, SyncStats stats) {
        builder.withDetail("pendingChanges", stats.pendingChanges());
        if (stats.revision() != null) {
            builder.withDetail("revision", stats.revision());
        }
    }

    /** Stops following the client's status. */
    @Override
    public void destroy() {
        following.dispose();
    }
}
