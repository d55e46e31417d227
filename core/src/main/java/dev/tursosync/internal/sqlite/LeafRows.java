package dev.tursosync.internal.sqlite;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/** The rows of one table b-tree leaf page, by rowid, with payloads assembled from their overflow chains. */
public final class LeafRows {

    private final long pageNumber;
    private final NavigableMap<Long, LeafRow> rows;
    private final Set<Long> overflowPages;

    private LeafRows(long pageNumber, NavigableMap<Long, LeafRow> rows, Set<Long> overflowPages) {
        this.pageNumber = pageNumber;
        this.rows = Collections.unmodifiableNavigableMap(rows);
        this.overflowPages = Collections.unmodifiableSet(overflowPages);
    }

    /**
     * Decodes a table leaf page.
     *
     * @param pageNumber the page's number (page 1 has its b-tree header at offset 100)
     * @param image      the page image
     * @param overflow   where overflow pages are read
     * @param usableSize the usable page size
     * @param encoding   the database text encoding
     * @return the rows
     * @throws SqliteFormatException if the page is not a well-formed table leaf page, an overflow chain is broken,
     *                               or a rowid appears twice
     */
    public static LeafRows read(long pageNumber, byte[] image, PageSource overflow, int usableSize,
                                TextEncoding encoding) {
        BTreePage page = BTreePage.parse(pageNumber, image, usableSize);
        if (page.type() != PageType.LEAF_TABLE) {
            throw new SqliteFormatException("page " + pageNumber + " is " + page.type() + ", not a table leaf page");
        }
        NavigableMap<Long, LeafRow> rows = new TreeMap<>();
        Set<Long> overflowPages = new LinkedHashSet<>();
        for (TableLeafCell cell : page.tableLeafCells()) {
            OverflowChain.Assembled assembled = cell.assemble(overflow);
            LeafRow row = new LeafRow(cell.rowid(), assembled.payload(), assembled.pages(), encoding);
            if (rows.put(cell.rowid(), row) != null) {
                throw new SqliteFormatException("page " + pageNumber + " holds rowid " + cell.rowid() + " twice");
            }
            for (long p : assembled.pages()) {
                if (!overflowPages.add(p)) {
                    throw new SqliteFormatException("overflow page " + p + " is shared by two cells of page "
                            + pageNumber);
                }
            }
        }
        return new LeafRows(pageNumber, rows, overflowPages);
    }

    /**
     * Reads and decodes a table leaf page of a database.
     *
     * @param source     the pages (the leaf and its overflow pages)
     * @param pageNumber the leaf page
     * @param header     the database header (usable size and text encoding)
     * @return the rows
     * @throws SqliteFormatException if the page is missing or malformed
     */
    public static LeafRows read(PageSource source, long pageNumber, DatabaseHeader header) {
        byte[] image = source.page(pageNumber);
        if (image == null) {
            throw new SqliteFormatException("leaf page " + pageNumber + " is missing");
        }
        return read(pageNumber, image, source, header.usableSize(), header.textEncoding());
    }

    /**
     * The page these rows were read from.
     *
     * @return the page number
     */
    public long pageNumber() {
        return pageNumber;
    }

    /**
     * The rows by rowid, in rowid order.
     *
     * @return an unmodifiable map
     */
    public NavigableMap<Long, LeafRow> rows() {
        return rows;
    }

    /**
     * Every overflow page used by the rows of this leaf.
     *
     * @return page numbers in cell and chain order
     */
    public Set<Long> overflowPages() {
        return overflowPages;
    }
}
