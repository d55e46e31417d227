package dev.tursosync.internal.sqlite;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Finds the leaf page of a table b-tree that covers a rowid by descending from the root, reading only interior
 * pages: the cost is the tree's height, whatever its size.
 *
 * <p>Every rowid in the left child of a table interior cell is less than or equal to the cell's key, and every rowid
 * under the right-most pointer is greater than the last key, so a binary search of each interior page picks the one
 * child to follow. The tree's height is learned once per root from its left-most path (the one leaf page read), so
 * the leaf itself is named, not read. Parsed interior pages are kept for the life of the locator: use one locator per
 * state of the database and per batch of look-ups.
 */
public final class TableLeafLocator {

    private final PageSource source;
    private final int usableSize;
    private final Map<Long, BTreePage> interiorPages = new HashMap<>();
    private final Map<Long, Integer> heights = new HashMap<>();

    /**
     * Creates a locator.
     *
     * @param source     the pages of one state of the database
     * @param usableSize the usable page size
     */
    public TableLeafLocator(PageSource source, int usableSize) {
        this.source = Objects.requireNonNull(source, "source");
        this.usableSize = usableSize;
    }

    /**
     * The leaf page of the table b-tree rooted at {@code rootPage} where {@code rowid} is, or would be.
     *
     * @param rootPage the root page of a table b-tree
     * @param rowid    the key to look up
     * @return the leaf page number (the root when the tree is a single leaf)
     * @throws SqliteFormatException if the tree is not a table b-tree, is deeper than
     *                               {@link TableTreeWalker#MAX_DEPTH}, or has a page missing on the way
     */
    public long leafCovering(long rootPage, long rowid) {
        int height = height(rootPage);
        long pageNumber = rootPage;
        for (int level = 0; level < height; level++) {
            pageNumber = childCovering(interior(pageNumber, rootPage), rowid);
        }
        return pageNumber;
    }

    /** The number of interior levels above the leaves, from the left-most path. */
    private int height(long rootPage) {
        Integer known = heights.get(rootPage);
        if (known != null) {
            return known;
        }
        if (rootPage < 1) {
            throw new SqliteFormatException("invalid b-tree root page " + rootPage);
        }
        int height = 0;
        BTreePage page = BTreePage.read(source, rootPage, usableSize);
        while (!page.type().isLeaf()) {
            requireTableInterior(page, rootPage);
            interiorPages.putIfAbsent(page.pageNumber(), page);
            height++;
            if (height > TableTreeWalker.MAX_DEPTH) {
                throw new SqliteFormatException("b-tree rooted at " + rootPage + " is deeper than "
                        + TableTreeWalker.MAX_DEPTH);
            }
            long leftMost = page.cellCount() > 0 ? page.leftChild(0) : page.rightMostPointer();
            page = BTreePage.read(source, leftMost, usableSize);
        }
        if (page.type() != PageType.LEAF_TABLE) {
            throw new SqliteFormatException("page " + page.pageNumber() + " is " + page.type()
                    + " inside the table b-tree rooted at " + rootPage);
        }
        heights.put(rootPage, height);
        return height;
    }

    private BTreePage interior(long pageNumber, long rootPage) {
        BTreePage page = interiorPages.get(pageNumber);
        if (page == null) {
            page = BTreePage.read(source, pageNumber, usableSize);
            requireTableInterior(page, rootPage);
            interiorPages.put(pageNumber, page);
        }
        return page;
    }

    private static long childCovering(BTreePage page, long rowid) {
        int low = 0;
        int high = page.cellCount();
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (rowid <= page.interiorTableKey(middle)) {
                high = middle;
            } else {
                low = middle + 1;
            }
        }
        return low < page.cellCount() ? page.leftChild(low) : page.rightMostPointer();
    }

    private static void requireTableInterior(BTreePage page, long rootPage) {
        if (page.type() != PageType.INTERIOR_TABLE) {
            throw new SqliteFormatException("page " + page.pageNumber() + " is " + page.type()
                    + " where the table b-tree rooted at " + rootPage + " needs an interior page");
        }
    }
}
