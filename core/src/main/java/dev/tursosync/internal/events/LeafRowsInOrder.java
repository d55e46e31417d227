package dev.tursosync.internal.events;

import dev.tursosync.internal.sqlite.LeafRows;
import dev.tursosync.internal.sqlite.SqliteFormatException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The rows of some leaves of one table b-tree in one state, walked in rowid order without copying them: the leaves of
 * a b-tree hold disjoint rowid ranges, so sorting the leaves by their first rowid puts every row in order.
 */
final class LeafRowsInOrder {

    private final List<LeafRows> leaves = new ArrayList<>();

    /**
     * Adds a leaf.
     *
     * @param rows the leaf's rows
     */
    void add(LeafRows rows) {
        if (rows.size() > 0) {
            leaves.add(rows);
        }
    }

    /**
     * Starts a walk over the rows of the leaves added so far.
     *
     * @return a cursor on the first row
     */
    Cursor cursor() {
        leaves.sort(Comparator.comparingLong(rows -> rows.rowid(0)));
        return new Cursor();
    }

    /** A position in the walk; keeps the current leaf and rowid, so reading them costs no look-up. */
    final class Cursor {

        private int leaf;
        private int index;
        private LeafRows rows;
        private long rowid;

        private Cursor() {
            if (!leaves.isEmpty()) {
                rows = leaves.get(0);
                rowid = rows.rowid(0);
            }
        }

        /** Whether the cursor is on a row (false after the last one). */
        boolean hasRow() {
            return rows != null;
        }

        /** The leaf of the current row. */
        LeafRows leaf() {
            return rows;
        }

        /** The index of the current row on its leaf. */
        int index() {
            return index;
        }

        /** The rowid of the current row. */
        long rowid() {
            return rowid;
        }

        /**
         * Moves to the next row.
         *
         * @throws SqliteFormatException if the next row's rowid is not above this one's (two leaves overlap)
         */
        void next() {
            long previous = rowid;
            if (++index == rows.size()) {
                index = 0;
                if (++leaf == leaves.size()) {
                    rows = null;
                    return;
                }
                rows = leaves.get(leaf);
            }
            rowid = rows.rowid(index);
            if (rowid <= previous) {
                throw new SqliteFormatException("rowid " + rowid + " of page " + rows.pageNumber()
                        + " is not above rowid " + previous + " of the leaf before it");
            }
        }
    }
}
