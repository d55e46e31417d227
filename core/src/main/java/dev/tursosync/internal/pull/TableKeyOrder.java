package dev.tursosync.internal.pull;

import dev.tursosync.internal.sqlite.BTreePage;
import dev.tursosync.internal.sqlite.PageNumberSet;
import dev.tursosync.internal.sqlite.PageType;
import dev.tursosync.internal.sqlite.ParsedPages;
import dev.tursosync.internal.sqlite.SchemaEntry;
import dev.tursosync.internal.sqlite.SqliteFormatException;
import dev.tursosync.internal.sqlite.TableLeafLocator;
import java.util.List;

/**
 * The rowid order of the received table b-tree pages, as SQLite's {@code quick_check} sees it, in time proportional
 * to the received pages: keys ascend on each page; each child of a received interior page holds keys within the
 * bounds its parent gives it; and a received leaf whose parent did not change is still where its table's keys lead
 * (the look-up reads only interior pages, see {@link TableLeafLocator}). Index b-trees are ordered by {@link IndexKeyOrder}.
 */
final class TableKeyOrder {

    private final ParsedPages after;
    private final PageNumberSet received;
    private final PageNumberSet bTreePages;

    TableKeyOrder(ParsedPages after, PageNumberSet received, PageNumberSet bTreePages) {
        this.after = after;
        this.received = received;
        this.bTreePages = bTreePages;
    }

    /**
     * Checks the order.
     *
     * @param tables the rowid tables of the new state (sqlite_schema included)
     * @throws SqliteFormatException naming the page out of order
     */
    void check(List<SchemaEntry> tables) {
        PageNumberSet placed = new PageNumberSet();
        PageNumberSet roots = new PageNumberSet();
        for (SchemaEntry table : tables) {
            roots.add(table.rootPage());
        }
        for (long page : bTreePages.toSortedArray()) {
            BTreePage parsed = after.read(page);
            if (!parsed.type().isTable()) {
                continue;
            }
            long[] keys = keys(parsed);
            for (int i = 1; i < keys.length; i++) {
                boolean ordered = parsed.type().isLeaf() ? keys[i] > keys[i - 1] : keys[i] >= keys[i - 1];
                if (!ordered) {
                    throw new SqliteFormatException("page " + page + ": key " + keys[i] + " of cell " + i
                            + " is out of order after " + keys[i - 1]);
                }
            }
            if (parsed.type() == PageType.INTERIOR_TABLE) {
                checkChildren(parsed, keys, placed);
            }
        }
        TableLeafLocator locator = null;
        for (long page : bTreePages.toSortedArray()) {
            if (placed.contains(page) || roots.contains(page)) {
                continue;
            }
            BTreePage parsed = after.read(page);
            if (parsed.type() != PageType.LEAF_TABLE || parsed.cellCount() == 0) {
                continue;
            }
            if (locator == null) {
                locator = new TableLeafLocator(after.source(), after.usableSize());
            }
            long first = parsed.tableLeafCell(0).rowid();
            long last = parsed.tableLeafCell(parsed.cellCount() - 1).rowid();
            if (!isLeafOfATable(locator, tables, page, first, last)) {
                throw new SqliteFormatException("page " + page + " is a table leaf with rowids " + first + " to "
                        + last + " where no table's keys lead");
            }
        }
    }

    private static boolean isLeafOfATable(TableLeafLocator locator, List<SchemaEntry> tables, long page, long first,
                                          long last) {
        for (SchemaEntry table : tables) {
            if (locator.leafCovering(table.rootPage(), first) == page) {
                return locator.leafCovering(table.rootPage(), last) == page;
            }
        }
        return false;
    }

    /** Every child's keys lie in (key of the cell before, key of its cell]; the right-most child's above the last. */
    private void checkChildren(BTreePage parent, long[] keys, PageNumberSet placed) {
        long[] children = parent.childPageNumbers();
        for (int i = 0; i < children.length; i++) {
            BTreePage child = child(after, parent, children[i]);
            if (!child.type().isTable()) {
                throw new SqliteFormatException("page " + parent.pageNumber() + ": child page " + children[i]
                        + " is an index page under a table page");
            }
            long[] childKeys = keys(child);
            if (childKeys.length == 0) {
                continue;
            }
            if (i > 0 && childKeys[0] <= keys[i - 1]) {
                throw new SqliteFormatException("page " + children[i] + ": key " + childKeys[0]
                        + " is not above " + keys[i - 1] + ", the bound its parent page " + parent.pageNumber()
                        + " gives");
            }
            if (i < keys.length && childKeys[childKeys.length - 1] > keys[i]) {
                throw new SqliteFormatException("page " + children[i] + ": key " + childKeys[childKeys.length - 1]
                        + " is above " + keys[i] + ", the bound its parent page " + parent.pageNumber() + " gives");
            }
            if (received.contains(children[i])) {
                placed.add(children[i]);
            }
        }
    }

    /** A child of an interior page, which must exist and be a b-tree page. */
    static BTreePage child(ParsedPages after, BTreePage parent, long child) {
        BTreePage page;
        try {
            page = after.orNull(child);
        } catch (SqliteFormatException e) {
            throw new SqliteFormatException("page " + parent.pageNumber() + ": child page " + child
                    + " is no b-tree page (" + e.getMessage() + ")");
        }
        if (page == null) {
            throw new SqliteFormatException("page " + parent.pageNumber() + ": child page " + child + " is missing");
        }
        return page;
    }

    private static long[] keys(BTreePage page) {
        long[] keys = new long[page.cellCount()];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = page.type() == PageType.LEAF_TABLE ? page.tableLeafCell(i).rowid() : page.interiorTableKey(i);
        }
        return keys;
    }
}
