package dev.tursosync.internal.rebase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tursosync.SyncProtocolException;
import dev.tursosync.internal.capture.CapturedChange;
import dev.tursosync.internal.capture.CarriedPositions;
import dev.tursosync.internal.push.RemotePosition;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

final class CarryOverTests {

    @Test
    void theFloorIsTheRemotesChangeIdInTheChangesGenerationOrWhereAnEarlierOnesEnds() {
        CarriedPositions carried = new CarriedPositions(List.of(new CarriedPositions.Entry(4, 9, 3)));
        assertThat(CarryOver.from(Optional.empty(), 5, carried).floor()).isZero();
        assertThat(CarryOver.from(position(5, 7), 5, carried).floor()).isEqualTo(7);
        assertThat(CarryOver.from(position(4, 9), 5, carried).floor()).as("a late batch of generation 4")
                .isEqualTo(3);
        assertThat(CarryOver.from(position(4, 2), 5, carried).floor()).isZero();
        assertThat(CarryOver.from(position(3, 9), 5, carried).floor()).as("no entry of generation 3").isZero();
        assertThatThrownBy(() -> CarryOver.from(position(6, 1), 5, carried))
                .isInstanceOf(SyncProtocolException.class);
    }

    @Test
    void positionsAreKeptWhereABatchMayEndAndCarriedThroughASecondReplay() {
        // generation 5: changes 1..6 in transactions 1, 1, 2, 3, 3, 4; the pulled state records nothing
        List<CapturedChange> fifth = List.of(change(1, 1), change(2, 1), change(3, 2), change(4, 3), change(5, 3),
                change(6, 4));
        CarryOver first = CarryOver.from(Optional.empty(), 5, CarriedPositions.NONE);
        // each change became one new change, except change 4, which became none
        long[] lastNewIdAfter = {0, 1, 2, 3, 3, 4, 5};
        List<Long> reported = replay(first, fifth, lastNewIdAfter);
        assertThat(reported).as("transaction ends only").containsExactly(2L, 3L, 5L, 6L);
        CarriedPositions afterFirst = first.result();
        assertThat(afterFirst.throughId(5, 2)).isEqualTo(OptionalLong.of(2));
        assertThat(afterFirst.throughId(5, 5)).isEqualTo(OptionalLong.of(4));
        assertThat(afterFirst.throughId(5, 6)).isEqualTo(OptionalLong.of(5));

        // generation 6: the five changes, one transaction (the replay's); the pulled state records (5, 0)
        List<CapturedChange> sixth = List.of(change(1, 9), change(2, 9), change(3, 9), change(4, 9), change(5, 9));
        CarryOver second = CarryOver.from(position(5, 0), 6, afterFirst);
        long[] shifted = {0, 11, 12, 13, 14, 15};
        List<Long> reportedAgain = replay(second, sixth, shifted);
        assertThat(reportedAgain).as("where the earlier entries point, and the transaction's end")
                .containsExactly(2L, 3L, 4L, 5L);
        CarriedPositions afterSecond = second.result();
        assertThat(afterSecond.throughId(6, 5)).isEqualTo(OptionalLong.of(15));
        assertThat(afterSecond.throughId(5, 2)).as("generation 5's first two changes, renumbered twice")
                .isEqualTo(OptionalLong.of(12));
        assertThat(afterSecond.throughId(5, 5)).isEqualTo(OptionalLong.of(14));
        assertThat(afterSecond.throughId(5, 6)).isEqualTo(OptionalLong.of(15));
    }

    @Test
    void entriesOfGenerationsOlderThanTheRemotesPositionAreDropped() {
        CarriedPositions carried = new CarriedPositions(List.of(new CarriedPositions.Entry(3, 4, 2),
                new CarriedPositions.Entry(4, 9, 3)));
        CarryOver replay = CarryOver.from(position(4, 1), 5, carried);
        assertThat(replay.result().throughId(3, 4)).as("a batch of generation 3 can no longer commit").isEmpty();
        assertThat(replay.result().throughId(4, 9)).as("no change replayed: nothing of the new log")
                .isEqualTo(OptionalLong.of(0));
    }

    @Test
    void changesAtOrBelowTheFloorBecomeNothing() {
        CarriedPositions carried = new CarriedPositions(List.of(new CarriedPositions.Entry(4, 9, 3),
                new CarriedPositions.Entry(4, 12, 5)));
        // a late batch of generation 4 landed: the remote records (4, 9), that is changes 1..3 of generation 5
        CarryOver replay = CarryOver.from(position(4, 9), 5, carried);
        assertThat(replay.floor()).isEqualTo(3);
        List<Long> reported = replay(replay, List.of(change(4, 7), change(5, 8)), new long[] {0, 0, 0, 0, 1, 2});
        assertThat(reported).containsExactly(4L, 5L);
        CarriedPositions result = replay.result();
        assertThat(result.throughId(4, 9)).isEqualTo(OptionalLong.of(0));
        assertThat(result.throughId(4, 12)).isEqualTo(OptionalLong.of(2));
        assertThat(result.throughId(5, 4)).isEqualTo(OptionalLong.of(1));
    }

    /** Runs a replay's reports: {@code lastNewIdAfter[id]} is the new log's last id after change {@code id}. */
    private static List<Long> replay(CarryOver carryOver, List<CapturedChange> changes, long[] lastNewIdAfter) {
        List<Long> reported = new java.util.ArrayList<>();
        for (int i = 0; i < changes.size(); i++) {
            CapturedChange change = changes.get(i);
            if (carryOver.wantsPosition(change, i + 1 < changes.size() ? changes.get(i + 1) : null)) {
                carryOver.replayedThrough(change.id(), lastNewIdAfter[(int) change.id()]);
                reported.add(change.id());
            }
        }
        return reported;
    }

    private static Optional<RemotePosition> position(long generation, long changeId) {
        return Optional.of(new RemotePosition(generation, changeId));
    }

    private static CapturedChange change(long id, long transaction) {
        return new CapturedChange(id, transaction, 0, "t", CapturedChange.Operation.INSERT, id, null,
                Map.of("id", id), null);
    }
}
