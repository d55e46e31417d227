package dev.tursosync.internal.pull;

import dev.tursosync.internal.sql.IndexColumns;
import dev.tursosync.internal.sqlite.BTreePage;
import dev.tursosync.internal.sqlite.IndexKeyComparator;
import dev.tursosync.internal.sqlite.PageNumberSet;
import dev.tursosync.internal.sqlite.PageSource;
import dev.tursosync.internal.sqlite.PageType;
import dev.tursosync.internal.sqlite.ParsedPages;
import dev.tursosync.internal.sqlite.SchemaEntry;
import dev.tursosync.internal.sqlite.SqliteFormatException;
import dev.tursosync.internal.sqlite.TextEncoding;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The key order of the received index b-tree pages, in time proportional to the received pages: a received page
 * belongs to the index whose keys lead to it (a look-up from the index's root by the page's first or last key); its
 * keys then ascend by that index's collations and directions, both its first and last key lead to it, and every child
 * of a received interior page holds keys within the bounds its parent gives. When every index b-tree of the schema is
 * judged, a received index page that no index's keys lead to is a defect too.
 *
 * <p>Only indexes whose order {@link IndexKeyComparator} knows exactly are judged: a plain column list with the
 * built-in collations on a rowid table. Pages of other indexes (expressions, other collations, automatic indexes,
 * {@code WITHOUT ROWID} tables, UTF-16 text with a collation other than {@code BINARY}) are left alone.
 */
final class IndexKeyOrder {

    /** Deeper than any b-tree of at most 2^31 pages of 4096 bytes; a longer look-up is a loop. */
    private static final int MAX_DEPTH = 40;

    /** An index whose key order is known: its schema entry and its comparator. */
    record Index(SchemaEntry entry, IndexKeyComparator comparator) {
    }

    private final ParsedPages after;
    private final PageSource pages;
    private final PageNumberSet bTreePages;

    IndexKeyOrder(ParsedPages after, PageNumberSet bTreePages) {
        this.after = after;
        this.pages = after.source();
        this.bTreePages = bTreePages;
    }

    /**
     * Checks the order.
     *
     * @param schema   the schema entries of the new state
     * @param encoding the new state's text encoding
     * @throws SqliteFormatException naming the page out of order
     */
    void check(List<SchemaEntry> schema, TextEncoding encoding) {
        List<Index> indexes = comparableIndexes(schema, encoding);
        if (indexes.isEmpty()) {
            return;
        }
        boolean allJudged = indexes.size() == indexKindTrees(schema);
        for (long page : bTreePages.toSortedArray()) {
            BTreePage parsed = after.read(page);
            if (parsed.type().isTable() || parsed.cellCount() == 0) {
                continue;
            }
            Index owner = owner(parsed, indexes);
            if (owner == null && allJudged) {
                throw new SqliteFormatException("page " + page + " is an index page where no index's keys lead");
            }
            if (owner == null) {
                continue;
            }
            byte[][] keys = keys(parsed);
            for (int i = 1; i < keys.length; i++) {
                if (owner.comparator().compare(keys[i - 1], keys[i]) >= 0) {
                    throw new SqliteFormatException("page " + page + ": the key of cell " + i + " of index \""
                            + owner.entry().name() + "\" is out of order after cell " + (i - 1));
                }
            }
            if (!parsed.type().isLeaf()) {
                checkChildren(parsed, keys, owner);
            }
        }
    }

    /** The b-trees of the schema that are index b-trees: indexes and {@code WITHOUT ROWID} tables. */
    private int indexKindTrees(List<SchemaEntry> schema) {
        int count = 0;
        for (SchemaEntry entry : schema) {
            if (entry.rootPage() > 1 && (entry.isIndex() || isIndexPage(entry.rootPage()))) {
                count++;
            }
        }
        return count;
    }

    private boolean isIndexPage(long pageNumber) {
        byte[] image = pages.page(pageNumber);
        return image != null && (image[0] == PageType.LEAF_INDEX.flag() || image[0] == PageType.INTERIOR_INDEX.flag());
    }

    /** The indexes of a schema whose key order {@link IndexKeyComparator} knows exactly. */
    static List<Index> comparableIndexes(List<SchemaEntry> schema, TextEncoding encoding) {
        Map<String, String> tableSql = new HashMap<>();
        for (SchemaEntry entry : schema) {
            if (entry.isTable()) {
                tableSql.put(entry.name().toLowerCase(Locale.ROOT), entry.sql());
            }
        }
        List<Index> indexes = new ArrayList<>();
        for (SchemaEntry entry : schema) {
            if (!entry.isIndex() || entry.rootPage() < 2 || entry.tblName() == null) {
                continue;
            }
            List<IndexKeyComparator.Column> columns = IndexColumns.read(entry.sql(),
                    tableSql.get(entry.tblName().toLowerCase(Locale.ROOT)));
            IndexKeyComparator comparator = columns == null ? null : IndexKeyComparator.of(columns, encoding);
            if (comparator != null) {
                indexes.add(new Index(entry, comparator));
            }
        }
        return indexes;
    }

    /**
     * The index a page belongs to: the one it is the root of, or the one whose look-up by the page's first or last
     * key reaches it, which must then reach it by both; {@code null} when no judged index leads to it.
     */
    Index owner(BTreePage page, List<Index> indexes) {
        byte[] first = page.indexCellPayload(0, pages);
        byte[] last = page.indexCellPayload(page.cellCount() - 1, pages);
        for (Index index : indexes) {
            if (index.entry().rootPage() == page.pageNumber()) {
                return index;
            }
        }
        for (Index index : indexes) {
            boolean byFirst = leadsTo(index, first, page.pageNumber());
            boolean byLast = leadsTo(index, last, page.pageNumber());
            if (byFirst != byLast) {
                throw new SqliteFormatException("page " + page.pageNumber() + " is a page of index \""
                        + index.entry().name() + "\" but its " + (byFirst ? "last" : "first")
                        + " key leads elsewhere in the index");
            }
            if (byFirst) {
                return index;
            }
        }
        return null;
    }

    /** Whether looking {@code key} up from the index's root passes through {@code target}; any defect on the way: no. */
    private boolean leadsTo(Index index, byte[] key, long target) {
        long current = index.entry().rootPage();
        try {
            for (int depth = 0; depth < MAX_DEPTH; depth++) {
                if (current == target) {
                    return true;
                }
                BTreePage page = after.orNull(current);
                if (page == null || page.type().isTable() || page.type().isLeaf()) {
                    return false;
                }
                int slot = page.searchIndex(key, index.comparator(), pages);
                if (slot >= 0) {
                    return false;
                }
                current = -slot - 1 < page.cellCount() ? page.leftChild(-slot - 1) : page.rightMostPointer();
            }
            return false;
        } catch (SqliteFormatException | IllegalStateException | IndexOutOfBoundsException e) {
            return false;
        }
    }

    /** Every child's keys lie strictly between the key of the cell before and the key of its own cell. */
    private void checkChildren(BTreePage parent, byte[][] keys, Index owner) {
        long[] children = parent.childPageNumbers();
        for (int i = 0; i < children.length; i++) {
            BTreePage child = TableKeyOrder.child(after, parent, children[i]);
            if (child.type().isTable()) {
                throw new SqliteFormatException("page " + parent.pageNumber() + ": child page " + children[i]
                        + " is a table page under an index page");
            }
            if (child.cellCount() == 0) {
                continue;
            }
            IndexKeyComparator comparator = owner.comparator();
            if (i > 0 && comparator.compare(child.indexCellPayload(0, pages), keys[i - 1]) <= 0) {
                throw new SqliteFormatException("page " + children[i] + ": its first key of index \""
                        + owner.entry().name() + "\" is not above the bound its parent page "
                        + parent.pageNumber() + " gives");
            }
            if (i < keys.length
                    && comparator.compare(child.indexCellPayload(child.cellCount() - 1, pages), keys[i]) >= 0) {
                throw new SqliteFormatException("page " + children[i] + ": its last key of index \""
                        + owner.entry().name() + "\" is not below the bound its parent page "
                        + parent.pageNumber() + " gives");
            }
        }
    }

    private byte[][] keys(BTreePage page) {
        byte[][] keys = new byte[page.cellCount()][];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = page.indexCellPayload(i, pages);
        }
        return keys;
    }
}
