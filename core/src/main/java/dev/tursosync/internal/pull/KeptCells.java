package dev.tursosync.internal.pull;

import dev.tursosync.internal.sqlite.BTreePage;
import dev.tursosync.internal.sqlite.PageType;

/**
 * The cells of one image of a page, to tell which cells of another image of it are kept byte for byte (see
 * {@link BTreePage#sameCell}): a hash table of cell numbers, which reads the cells in place.
 */
final class KeptCells {

    private static final KeptCells NONE = new KeptCells(null);

    private final BTreePage page;
    private final int[] hashes;
    private final int[] cells;
    private final int mask;

    private KeptCells(BTreePage page) {
        this.page = page;
        int slots = page == null ? 1 : Integer.highestOneBit(Math.max(1, page.cellCount())) << 2;
        this.hashes = new int[slots];
        this.cells = new int[slots];
        this.mask = slots - 1;
        for (int cell = 0; page != null && cell < page.cellCount(); cell++) {
            int hash = page.cellHash(cell);
            int slot = hash & mask;
            while (cells[slot] != 0) {
                slot = (slot + 1) & mask;
            }
            hashes[slot] = hash;
            cells[slot] = cell + 1;
        }
    }

    /**
     * The rows of a table leaf.
     *
     * @param page the page, or {@code null}
     * @return its cells; none when the page is {@code null} or no table leaf
     */
    static KeptCells ofTableLeaf(BTreePage page) {
        return page == null || page.type() != PageType.LEAF_TABLE ? NONE : new KeptCells(page);
    }

    /**
     * The entries of an index page (leaf or interior).
     *
     * @param page the page, or {@code null}
     * @return its cells; none when the page is {@code null} or a table page
     */
    static KeptCells ofIndexPage(BTreePage page) {
        return page == null || page.type().isTable() ? NONE : new KeptCells(page);
    }

    /**
     * Whether a cell of another image of the page is one of these cells, byte for byte.
     *
     * @param other a page of the same kind
     * @param cell  its cell
     * @return whether these cells have it
     */
    boolean contains(BTreePage other, int cell) {
        if (page == null) {
            return false;
        }
        int hash = other.cellHash(cell);
        for (int slot = hash & mask; cells[slot] != 0; slot = (slot + 1) & mask) {
            if (hashes[slot] == hash && page.sameCell(cells[slot] - 1, other, cell)) {
                return true;
            }
        }
        return false;
    }
}
