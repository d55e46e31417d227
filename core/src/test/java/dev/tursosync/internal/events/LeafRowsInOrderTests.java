package dev.tursosync.internal.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tursosync.internal.sqlite.LeafRows;
import dev.tursosync.internal.sqlite.SqliteFormatException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Walking the rows of several leaves in rowid order. */
final class LeafRowsInOrderTests {

    @TempDir
    Path dir;

    @Test
    void walksTheLeavesByTheirFirstRowidAndSkipsEmptyOnes() {
        LeafRowsInOrder rows = inOrder(leaf("high.db", "(20), (21)"),
                TestTables.rootLeaf(dir.resolve("none.db"), "t", "CREATE TABLE t(id INTEGER PRIMARY KEY)"),
                leaf("low.db", "(3), (5), (8)"));

        List<Long> rowids = new ArrayList<>();
        for (LeafRowsInOrder.Cursor cursor = rows.cursor(); cursor.hasRow(); cursor.next()) {
            rowids.add(cursor.leaf().rowid(cursor.index()));
            assertThat(cursor.rowid()).isEqualTo(rowids.get(rowids.size() - 1));
        }

        assertThat(rowids).containsExactly(3L, 5L, 8L, 20L, 21L);
        assertThat(new LeafRowsInOrder().cursor().hasRow()).isFalse();
    }

    @Test
    void overlappingLeavesAreRejected() {
        LeafRowsInOrder.Cursor cursor = inOrder(leaf("first.db", "(3), (5), (8)"), leaf("second.db", "(4), (9)"))
                .cursor();
        assertThatThrownBy(() -> {
            while (cursor.hasRow()) {
                cursor.next();
            }
        }).isInstanceOf(SqliteFormatException.class).hasMessageContaining("rowid 4 of page").hasMessageContaining("rowid 8");
    }

    private static LeafRowsInOrder inOrder(LeafRows... leaves) {
        LeafRowsInOrder rows = new LeafRowsInOrder();
        for (LeafRows leaf : leaves) {
            rows.add(leaf);
        }
        return rows;
    }

    private LeafRows leaf(String file, String ids) {
        return TestTables.rootLeaf(dir.resolve(file), "t", "CREATE TABLE t(id INTEGER PRIMARY KEY)",
                "INSERT INTO t VALUES " + ids);
    }
}
