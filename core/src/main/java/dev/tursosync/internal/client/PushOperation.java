package dev.tursosync.internal.client;

import dev.tursosync.PushResult;
import dev.tursosync.internal.db.ConnectionManager;
import dev.tursosync.internal.push.LogicalPusher;
import java.time.Instant;
import reactor.core.publisher.Mono;

/**
 * One push, top to bottom (docs/architecture.md, the life of a push): recover what an interrupted pull left, push the
 * change log in batches ({@link LogicalPusher}), then record the new position through {@link ReplicaMetadata} as a
 * step that runs to its end even if the push's subscriber cancels.
 */
final class PushOperation {

    private final LogicalPusher pusher;
    private final ConnectionManager connections;
    private final OperationTurns turns;
    private final ReplicaMetadata metadata;
    private final PullRecovery recovery;

    PushOperation(LogicalPusher pusher, ConnectionManager connections, OperationTurns turns, ReplicaMetadata metadata,
                  PullRecovery recovery) {
        this.pusher = pusher;
        this.connections = connections;
        this.turns = turns;
        this.metadata = metadata;
        this.recovery = recovery;
    }

    /**
     * Runs the push; call inside the operation's turn.
     *
     * @return what was pushed
     */
    Mono<PushResult> run() {
        return recovery.recover()
                .then(Mono.defer(() -> pusher.push(metadata.current().clientId(),
                        () -> metadata.current().pullGeneration())))
                .flatMap(result -> result.changesPushed() == 0
                        ? Mono.just(result)
                        : turns.detach(Mono.fromCallable(() -> {
                            metadata.record(current -> current.pushed(Instant.now()));
                            return result;
                        }).subscribeOn(connections.scheduler())));
    }
}
