package dev.tursosync.internal.client;

import dev.tursosync.internal.db.ConnectionManager;
import dev.tursosync.internal.io.KillPoints;
import dev.tursosync.internal.pull.AppliedPull;
import dev.tursosync.internal.pull.PullApplier;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Finishes or undoes a pull that a crash or a failed apply interrupted, before anything else touches the database
 * (docs/sync-client.md, crash safety); also drops a pull that an older version of the client recorded as pending.
 */
final class PullRecovery {

    private static final Logger LOG = LoggerFactory.getLogger(PullRecovery.class);

    private final PullApplier applier;
    private final ConnectionManager connections;
    private final ReplicaMetadata metadata;

    PullRecovery(PullApplier applier, ConnectionManager connections, ReplicaMetadata metadata) {
        this.applier = applier;
        this.connections = connections;
        this.metadata = metadata;
    }

    /**
     * Recovers in an exclusive window of its own when a journal (or an old pending pull) is there; the first step
     * of open() and of every operation.
     *
     * @return completes once nothing is left to recover
     */
    Mono<Void> recover() {
        return Mono.defer(() -> applier.hasJournal() || metadata.current().pendingPull() != null
                ? connections.exclusive(() -> {
                    recoverNow();
                    return true;
                }).then()
                : Mono.empty());
    }

    /**
     * After an apply that failed half-way, in the same exclusive window (no other work may see the database in
     * between): recovers at once when the apply left its journal. If that fails too, the connection manager takes no
     * more work (the next open recovers) and the recovery's failure is added to the apply's.
     *
     * @param failure why the apply failed
     * @return the failure to end the pull with
     */
    RuntimeException afterFailedApply(RuntimeException failure) {
        if (!applier.hasJournal()) {
            return failure;
        }
        try {
            recoverNow();
        } catch (RuntimeException recovery) {
            failure.addSuppressed(recovery);
            connections.refuseWork();
            LOG.error("a pull failed half-way and could not be finished or undone; the client takes no more work "
                    + "until it is opened again, which recovers", recovery);
        }
        return failure;
    }

    /** Recovers; call inside an exclusive window. */
    private void recoverNow() {
        Optional<AppliedPull> committed = applier.recover(metadata.current().pullGeneration(),
                metadata.current().syncedWal());
        if (committed.isPresent()) {
            AppliedPull pull = committed.get();
            LOG.info("finished an interrupted pull to revision {}", pull.revision());
            metadata.record(current -> current.rebased(pull.revision(), pull.nextGeneration(), pull.syncedWal(),
                    Instant.now()));
            KillPoints.reached("recovery.recorded");
            applier.finish(pull);
        } else if (metadata.current().pendingPull() != null) {
            metadata.record(current -> current.withPendingPull(null));
        }
    }
}
