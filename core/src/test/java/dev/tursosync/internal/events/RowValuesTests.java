package dev.tursosync.internal.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tursosync.ChangeEvent;
import dev.tursosync.ChangeOperation;
import dev.tursosync.internal.sqlite.LeafRows;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The decoder's value maps: what SQL returns, in column order, unmodifiable, kept by events as they are. */
final class RowValuesTests {

    private static final TableShape SHAPE = new TableShape(List.of("name", "id", "price", "extra"),
            List.of(false, false, true, false), 1);

    @TempDir
    Path dir;

    private LeafRows rows;

    @BeforeEach
    void oneLeafOfRows() {
        rows = TestTables.rootLeaf(dir.resolve("values.db"), "t",
                "CREATE TABLE t(name TEXT, id INTEGER PRIMARY KEY, price REAL)",
                "INSERT INTO t VALUES ('pen', 7, 3), ('ink', 9, 2.5)",
                "ALTER TABLE t ADD COLUMN extra BLOB",
                "INSERT INTO t VALUES ('pad', 11, NULL, x'0102')");
    }

    @Test
    void holdTheValuesAsSqlReturnsThemInColumnOrder() {
        Map<String, Object> values = RowValues.decode(SHAPE, rows, 0, 7L);

        assertThat(values.keySet()).containsExactly("name", "id", "price", "extra");
        assertThat(values).isEqualTo(expected("pen", 7L, 3.0, null));
        assertThat(values.get("price")).isInstanceOf(Double.class);
        assertThat(values.get("extra")).as("column added after the row was written").isNull();
        assertThat(values).containsKey("extra").doesNotContainKey("missing").doesNotContainKey(null);
        assertThat(values.get("missing")).isNull();
        assertThat(values.hashCode()).isEqualTo(expected("pen", 7L, 3.0, null).hashCode());
        assertThat(values.toString()).isEqualTo(expected("pen", 7L, 3.0, null).toString());
        assertThat((byte[]) RowValues.decode(SHAPE, rows, 2, 11L).get("extra")).containsExactly(1, 2);
    }

    /** Rows compare as SQL reads them: blobs and texts by content, NULL only equal to NULL, types apart. */
    @Test
    void haveTheSameValuesWhenEveryColumnHoldsAnEqualValue() {
        TableShape shape = new TableShape(List.of("b", "s", "n"), List.of(false, false, false), -1);
        LeafRows blobs = TestTables.rootLeaf(dir.resolve("blobs.db"), "u", "CREATE TABLE u(b BLOB, s TEXT, n)",
                "INSERT INTO u VALUES (x'0102', 'a', 1), (x'0102', 'a', 1), (x'0103', 'a', 1), (NULL, 'a', 1),"
                        + " (x'0102', NULL, 1), (x'0102', 'b', 1), (x'0102', 'a', 1.5), (x'0102', 'a', '1')");
        RowValues first = RowValues.decode(shape, blobs, 0, 1L);

        assertThat(first.sameValues(RowValues.decode(shape, blobs, 1, 2L))).as("equal blobs, texts, integers").isTrue();
        assertThat(first.sameValues(first)).isTrue();
        for (int row = 2; row < blobs.size(); row++) {
            RowValues other = RowValues.decode(shape, blobs, row, row + 1L);
            assertThat(first.sameValues(other)).as("row " + row).isFalse();
            assertThat(other.sameValues(first)).as("row " + row + ", the other way").isFalse();
        }
    }

    @Test
    void cannotBeChanged() {
        Map<String, Object> values = RowValues.decode(SHAPE, rows, 1, 9L);

        assertThatThrownBy(() -> values.put("name", "x")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> values.remove("name")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(values::clear).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> values.entrySet().iterator().next().setValue("x"))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> values.keySet().removeIf(key -> true))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThat(values).isEqualTo(expected("ink", 9L, 2.5, null));
    }

    @Test
    void eventsKeepThemWithoutCopyingAndCopyOtherMaps() {
        Map<String, Object> decoded = RowValues.decode(SHAPE, rows, 0, 7L);
        Map<String, Object> mutable = expected("pen", 7L, 3.0, null);

        ChangeEvent event = new ChangeEvent("t", ChangeOperation.UPDATE, 7L, decoded, mutable);
        mutable.put("name", "changed");

        assertThat(event.newValues()).isSameAs(decoded);
        assertThat(event.oldValues()).isNotSameAs(mutable).isEqualTo(decoded);
        assertThat(event.oldValues().keySet()).containsExactly("name", "id", "price", "extra");
    }

    private static Map<String, Object> expected(String name, Long id, Double price, byte[] extra) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("name", name);
        values.put("id", id);
        values.put("price", price);
        values.put("extra", extra);
        return values;
    }
}
