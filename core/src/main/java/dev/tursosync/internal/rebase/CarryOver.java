package dev.tursosync.internal.rebase;

import dev.tursosync.SyncProtocolException;
import dev.tursosync.internal.capture.CapturedChange;
import dev.tursosync.internal.capture.CarriedPositions;
import dev.tursosync.internal.push.RemotePosition;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A replay's view of the pushes that may have reached the remote: the floor below which the pending changes are
 * already there, and, as the replay goes, where each position a push of this or an earlier generation may have left
 * on the remote ends in the new numbering ({@link CarriedPositions}).
 *
 * <p>The replay runs the changes above the floor in id order and reports, after each change that ends a local
 * transaction (where a push batch may end) or that an earlier entry points at, the last id the new log holds.
 */
final class CarryOver {

    private final long fromGeneration;
    private final long floor;
    private final List<CarriedPositions.Entry> earlier;
    private final Set<Long> pointedAt = new HashSet<>();
    private final TreeMap<Long, Long> lastNewIdAfter = new TreeMap<>();

    private CarryOver(long fromGeneration, long floor, List<CarriedPositions.Entry> earlier) {
        this.fromGeneration = fromGeneration;
        this.floor = floor;
        this.earlier = earlier;
        earlier.forEach(entry -> pointedAt.add(entry.throughId()));
    }

    /**
     * Starts from the position the pulled state records for this client.
     *
     * @param remote         the pulled state's position of this client, if any
     * @param fromGeneration the generation the pending changes were captured in
     * @param carried        where pushes of earlier generations end in the pending changes' numbering
     * @return the carry-over
     * @throws SyncProtocolException if the pulled state records a generation this client has not reached
     */
    static CarryOver from(Optional<RemotePosition> remote, long fromGeneration, CarriedPositions carried) {
        if (remote.isEmpty()) {
            return new CarryOver(fromGeneration, 0, carried.entries());
        }
        RemotePosition position = remote.get();
        if (position.pullGeneration() > fromGeneration) {
            throw new SyncProtocolException("the pulled state records pull generation " + position.pullGeneration()
                    + " for this client, ahead of the local " + fromGeneration);
        }
        long floor = position.pullGeneration() == fromGeneration ? position.changeId()
                : carried.throughId(position.pullGeneration(), position.changeId()).orElse(0);
        // a batch of a generation older than the remote's position expects an older position: it can never commit
        List<CarriedPositions.Entry> stillPossible = carried.entries().stream()
                .filter(entry -> entry.generation() >= position.pullGeneration()).toList();
        return new CarryOver(fromGeneration, floor, stillPossible);
    }

    /**
     * The last change id the pulled state already holds, in the pending changes' numbering.
     *
     * @return the floor
     */
    long floor() {
        return floor;
    }

    /**
     * Whether {@link #result()} will hold entries once these changes are replayed: one for the last of them at
     * least, and one per entry of an earlier generation still possible.
     *
     * @param pending the changes above the floor, to be replayed
     * @return whether the replay writes carried positions
     */
    boolean writesEntries(List<CapturedChange> pending) {
        return !pending.isEmpty() || !earlier.isEmpty();
    }

    /**
     * Whether the replay must report the new log's last id after this change.
     *
     * @param change a replayed change
     * @param next   the change replayed after it, or {@code null}
     * @return whether to call {@link #replayedThrough}
     */
    boolean wantsPosition(CapturedChange change, CapturedChange next) {
        return next == null || next.transaction() != change.transaction() || pointedAt.contains(change.id());
    }

    /**
     * Records that the changes up to {@code changeId} became the new log's changes up to {@code lastNewId}.
     *
     * @param changeId  a replayed change's id
     * @param lastNewId the new log's last id after it
     */
    void replayedThrough(long changeId, long lastNewId) {
        lastNewIdAfter.put(changeId, lastNewId);
    }

    /**
     * The entries for the new generation: one per reported change of the replayed generation, and the earlier
     * generations' entries moved into the new numbering.
     *
     * @return the carried positions to write with the replay
     */
    CarriedPositions result() {
        List<CarriedPositions.Entry> entries = new ArrayList<>();
        for (Map.Entry<Long, Long> point : lastNewIdAfter.entrySet()) {
            entries.add(new CarriedPositions.Entry(fromGeneration, point.getKey(), point.getValue()));
        }
        for (CarriedPositions.Entry entry : earlier) {
            entries.add(new CarriedPositions.Entry(entry.generation(), entry.changeId(), renumbered(entry.throughId())));
        }
        return new CarriedPositions(entries);
    }

    /** Where the replayed generation's changes up to an id end in the new numbering. */
    private long renumbered(long throughId) {
        if (throughId <= floor) {
            return 0;
        }
        Map.Entry<Long, Long> point = lastNewIdAfter.floorEntry(throughId);
        return point == null ? 0 : point.getValue();
    }
}
