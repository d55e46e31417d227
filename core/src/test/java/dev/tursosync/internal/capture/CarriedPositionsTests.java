package dev.tursosync.internal.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tursosync.SyncProtocolException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

final class CarriedPositionsTests {

    private static final CarriedPositions THREE = new CarriedPositions(List.of(
            new CarriedPositions.Entry(3, 4, 2), new CarriedPositions.Entry(3, 12, 11),
            new CarriedPositions.Entry(3, 9, 7), new CarriedPositions.Entry(5, 2, 3)));

    @Test
    void aPositionOfAGenerationWithoutEntriesIsNotMapped() {
        assertThat(THREE.throughId(4, 9)).isEmpty();
        assertThat(CarriedPositions.NONE.throughId(3, 9)).isEmpty();
    }

    @Test
    void aPositionMapsThroughTheEntryAtOrBelowItsChangeId() {
        assertThat(THREE.throughId(3, 9)).isEqualTo(OptionalLong.of(7));
        assertThat(THREE.throughId(3, 10)).as("between two entries").isEqualTo(OptionalLong.of(7));
        assertThat(THREE.throughId(3, 12)).isEqualTo(OptionalLong.of(11));
        assertThat(THREE.throughId(3, 3)).as("below every entry: nothing of the current log")
                .isEqualTo(OptionalLong.of(0));
        assertThat(THREE.throughId(5, 2)).isEqualTo(OptionalLong.of(3));
    }

    @Test
    void aPositionBeyondTheLastReplayedChangeOfItsGenerationIsAProtocolError() {
        // a batch of generation 3 can end at most at its last replayed change: a server claiming more drops nothing
        assertThatThrownBy(() -> THREE.throughId(3, 13)).isInstanceOf(SyncProtocolException.class)
                .hasMessageContaining("nothing is dropped locally");
    }

    @Test
    void writtenEntriesReadBackAndReplaceTheOnesBefore() throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite::memory:")) {
            CarriedPositions.NONE.write(connection);
            assertThat(tables(connection)).as("writing none creates no table").isEmpty();
            assertThat(CarriedPositions.read(connection)).isEqualTo(CarriedPositions.NONE);

            THREE.write(connection);
            assertThat(CarriedPositions.read(connection).entries()).containsExactlyInAnyOrderElementsOf(
                    THREE.entries());

            CarriedPositions other = new CarriedPositions(List.of(new CarriedPositions.Entry(6, 1, 1)));
            other.write(connection);
            assertThat(CarriedPositions.read(connection)).isEqualTo(other);

            CarriedPositions.NONE.write(connection);
            assertThat(CarriedPositions.read(connection).entries()).isEmpty();
        }
    }

    private static List<String> tables(Connection connection) throws Exception {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT name FROM sqlite_schema WHERE name = '"
                     + CaptureNames.CARRIED + "'")) {
            return rows.next() ? List.of(rows.getString(1)) : List.of();
        }
    }
}
