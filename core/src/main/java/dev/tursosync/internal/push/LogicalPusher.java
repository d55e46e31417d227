package dev.tursosync.internal.push;

import dev.tursosync.Mutation;
import dev.tursosync.MutationResult;
import dev.tursosync.PushResult;
import dev.tursosync.SyncProtocolException;
import dev.tursosync.internal.capture.CapturedChange;
import dev.tursosync.internal.capture.CarriedPositions;
import dev.tursosync.internal.capture.ChangeLog;
import dev.tursosync.internal.db.ConnectionManager;
import dev.tursosync.internal.transport.SyncTransport;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Pushes the change log to the remote, exactly once.
 *
 * <p>A push starts from this client's position on the remote, drops the local changes the remote already has, then
 * sends the rest in batches of whole local transactions, each one remote transaction that also moves the position.
 * After a batch commits, its changes leave the local log. Nothing is ever resent blindly: if a batch's outcome is
 * unknown (a cut connection, a timeout, a cancelled push), the push fails, and the next push starts by reading the
 * position again.
 *
 * <p>The position is read from the remote only when it is not known: after a push that ended well, the next one
 * starts from the position its last batch set, which saves a round trip per push. Every batch carries a guard that
 * fails unless the remote holds the position the batch expects, so a batch that starts from a position the remote no
 * longer holds commits nothing; the push then reads the position and goes on from it. The position moves under a
 * push when a remembered position is wrong (another process pushing under this client's id), and when a batch of a
 * push that was given up reaches the server late, after the next push read the position.
 */
public final class LogicalPusher {

    private static final Logger LOG = LoggerFactory.getLogger(LogicalPusher.class);

    private final SyncTransport transport;
    private final ConnectionManager connections;
    private final Function<Mutation, MutationResult> transform;
    private final int batchSize;
    /**
     * The position the remote holds after this client's last push that ended well, or {@code null} when unknown
     * (never read, or the last push failed or was cancelled). A push takes it, so one that does not end well leaves it
     * unknown.
     */
    private final AtomicReference<KnownPosition> known = new AtomicReference<>();

    /**
     * Creates a pusher.
     *
     * @param transport   the transport
     * @param connections the local connections
     * @param transform   the transform hook
     * @param batchSize   how many changes a batch aims for (whole transactions are never split)
     */
    public LogicalPusher(SyncTransport transport, ConnectionManager connections,
                         Function<Mutation, MutationResult> transform, int batchSize) {
        this.transport = transport;
        this.connections = connections;
        this.transform = transform;
        this.batchSize = batchSize;
    }

    /**
     * Pushes every change captured before the push started.
     *
     * @param clientId       this client's id
     * @param pullGeneration reads this client's pull generation; read under the same permit as the change log, so
     *                       that the two always belong to one state (a pull's apply changes both under its exclusive
     *                       permit, and pairing one state's change ids with another's generation drops changes)
     * @return what the push did
     */
    public Mono<PushResult> push(String clientId, LongSupplier pullGeneration) {
        return connections.withConnection(connection -> new Bound(ChangeLog.lastChangeId(connection),
                        pullGeneration.getAsLong()))
                .flatMap(bound -> bound.lastChangeId() == 0
                        ? Mono.just(PushResult.NOTHING)
                        : Mono.defer(() -> {
                            KnownPosition remembered = known.getAndSet(null);
                            return remembered == null ? timedPosition(clientId)
                                    .flatMap(read -> pushFrom(clientId, bound, read, false, Totals.NONE))
                                    : pushFrom(clientId, bound, new Timed<>(Optional.ofNullable(
                                            remembered.position()), 0), true, Totals.NONE);
                        }));
    }

    /**
     * Pushes from a position: the remembered one, or one just read. A batch whose guard finds the remote elsewhere
     * committed nothing: the position moved since the push took it. The push then reads the position and goes on
     * from it when the read explains the failure ({@link #movedOn}); else it reports the moved position. The batches
     * committed before the failed one stay counted in the result ({@code sent}: the totals of the earlier goes).
     */
    private Mono<PushResult> pushFrom(String clientId, Bound bound, Timed<Optional<RemotePosition>> position,
                                      boolean remembered, Totals sent) {
        return start(position, bound.generation(), bound.lastChangeId())
                .flatMap(start -> sendFrom(clientId, bound.generation(), bound.lastChangeId(),
                        new Progress(start.after(), start.remote(), sent.withRemoteNanos(start.remoteNanos()))))
                .onErrorResume(MovedDuringPush.class, moved -> timedPosition(clientId).flatMap(now -> {
                    if (!movedOn(position.value(), now.value(), remembered)) {
                        return Mono.error(moved.getCause());
                    }
                    LOG.debug("the remote's push position moved from {} to {} since the push took it; going on from"
                            + " there", position.value(), now.value(), moved.getCause());
                    return pushFrom(clientId, bound, now, false, moved.sent());
                }));
    }

    /**
     * Whether the position read after a failed guard explains the failure. After a remembered position, any read
     * does (another process pushing under this client's id, a remote replaced by hand: the remembered position is
     * simply not the remote's). After a position just read, only a later one does: a batch of this client's push
     * that was given up and reached the server after the read moves the position forward (to a later change of the
     * same generation, or to a later generation), so each read that goes on is later than the one before and the
     * push ends; a read that is not later is reported.
     */
    private static boolean movedOn(Optional<RemotePosition> from, Optional<RemotePosition> now, boolean remembered) {
        if (remembered) {
            return true;
        }
        if (now.isEmpty()) {
            return false;
        }
        if (from.isEmpty()) {
            return true;
        }
        RemotePosition before = from.get();
        RemotePosition after = now.get();
        return after.pullGeneration() > before.pullGeneration()
                || after.pullGeneration() == before.pullGeneration() && after.changeId() > before.changeId();
    }

    /** The last change a push sends, and the pull generation its id belongs to. */
    private record Bound(long lastChangeId, long generation) {
    }

    /** A position known to be the remote's; {@code position} is {@code null} when the remote holds none. */
    private record KnownPosition(RemotePosition position) {
    }

    /** Where a push resumes: after a change id, with the position the remote holds now ({@code null}: none). */
    private record Start(long after, RemotePosition remote, long remoteNanos) {
    }

    /**
     * Where a push stands: after which change, the position the remote holds after the last batch sent, and what the
     * push sent so far.
     */
    private record Progress(long lastChangeId, RemotePosition remote, Totals sent) {
    }

    /** What a push's committed batches carried, and the time spent waiting for the remote. */
    private record Totals(long changes, int batches, long bytes, long remoteNanos) {

        static final Totals NONE = new Totals(0, 0, 0, 0);

        Totals withBatch(long batchChanges, long batchBytes, long batchNanos) {
            return new Totals(changes + batchChanges, batches + 1, bytes + batchBytes, remoteNanos + batchNanos);
        }

        Totals withRemoteNanos(long nanos) {
            return new Totals(changes, batches, bytes, remoteNanos + nanos);
        }

        PushResult result() {
            return new PushResult(changes, batches, bytes, Duration.ofNanos(remoteNanos));
        }
    }

    /**
     * A batch's guard failed ({@link PositionMovedException}, the cause) after the push had committed {@code sent};
     * never leaves {@link #pushFrom}, which goes on or reports the cause.
     */
    private static final class MovedDuringPush extends RuntimeException {

        private static final long serialVersionUID = 1L;

        private final transient Totals sent;

        MovedDuringPush(Totals sent, PositionMovedException cause) {
            super(cause.getMessage(), cause, false, false);
            this.sent = sent;
        }

        Totals sent() {
            return sent;
        }
    }

    private Mono<Timed<Optional<RemotePosition>>> timedPosition(String clientId) {
        return Mono.defer(() -> {
            long started = System.nanoTime();
            return RemotePosition.read(transport, clientId)
                    .map(position -> new Timed<>(position, System.nanoTime() - started));
        });
    }

    private record Timed<T>(T value, long nanos) {
    }

    /**
     * Where to resume: after the remote's change id when it belongs to this generation; after where it ends in this
     * generation's numbering when it belongs to an earlier one that a pull replayed (a batch whose answer never came
     * reached the remote after that pull: {@link CarriedPositions}); else from the start.
     */
    private Mono<Start> start(Timed<Optional<RemotePosition>> position, long pullGeneration, long bound) {
        RemotePosition remote = position.value().orElse(null);
        if (remote == null) {
            return Mono.just(new Start(0, null, position.nanos()));
        }
        if (remote.pullGeneration() < pullGeneration) {
            return connections.withConnection(connection -> {
                long through = CarriedPositions.read(connection)
                        .throughId(remote.pullGeneration(), remote.changeId()).orElse(0);
                if (through > 0) {
                    LOG.debug("the remote records an earlier generation's push through {}, which is change {} now",
                            remote.changeId(), through);
                    ChangeLog.deleteThrough(connection, through);
                }
                return new Start(through, remote, position.nanos());
            });
        }
        if (remote.pullGeneration() == pullGeneration && remote.changeId() > bound) {
            // change ids only grow (ChangeLog keeps the highest): the remote cannot hold one this client never made
            return Mono.error(new SyncProtocolException("the remote records change " + remote.changeId()
                    + " as pushed by this client, beyond its last change " + bound
                    + "; nothing is dropped locally"));
        }
        if (remote.pullGeneration() > pullGeneration) {
            return Mono.error(new SyncProtocolException("the remote records pull generation "
                    + remote.pullGeneration() + " for this client, ahead of the local " + pullGeneration
                    + "; the local metadata is older than the remote's record of it"));
        }
        return connections.withConnection(connection -> {
            ChangeLog.deleteThrough(connection, remote.changeId());
            return new Start(remote.changeId(), remote, position.nanos());
        });
    }

    private Mono<PushResult> sendFrom(String clientId, long pullGeneration, long bound, Progress progress) {
        return connections.withConnection(connection -> {
                    List<CapturedChange> changes = ChangeLog.readBetween(connection, progress.lastChangeId(), bound,
                            batchSize);
                    if (changes.isEmpty()) {
                        return Optional.<PushBatch>empty();
                    }
                    TableKeys keys = TableKeys.read(connection, changes.stream().map(CapturedChange::table)
                            .distinct().toList());
                    return Optional.of(PushBatch.of(changes, keys, transform, clientId, pullGeneration,
                            progress.remote()));
                })
                .flatMap(next -> next.isEmpty()
                        ? Mono.fromSupplier(() -> {
                            known.set(new KnownPosition(progress.remote()));
                            return progress.sent().result();
                        })
                        : send(next.get(), pullGeneration, progress)
                                .onErrorMap(PositionMovedException.class,
                                        moved -> new MovedDuringPush(progress.sent(), moved))
                                .flatMap(sent -> sendFrom(clientId, pullGeneration, bound, sent)));
    }

    private Mono<Progress> send(PushBatch batch, long pullGeneration, Progress progress) {
        return Mono.defer(() -> {
            long bytesBefore = transport.stats().bytesSent();
            long started = System.nanoTime();
            return transport.pipeline(List.of(batch.request()))
                    .map(response -> {
                        long remote = System.nanoTime() - started;
                        batch.verify(response);
                        LOG.debug("pushed changes through {} ({} changes)", batch.lastChangeId(),
                                batch.changeCount());
                        return new Progress(batch.lastChangeId(),
                                new RemotePosition(pullGeneration, batch.lastChangeId()),
                                progress.sent().withBatch(batch.changeCount(),
                                        transport.stats().bytesSent() - bytesBefore, remote));
                    });
        }).flatMap(sent -> connections.withConnection(connection -> {
            ChangeLog.deleteThrough(connection, sent.lastChangeId());
            return sent;
        }));
    }
}
