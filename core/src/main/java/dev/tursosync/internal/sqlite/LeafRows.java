package dev.tursosync.internal.sqlite;

import java.util.Arrays;
import java.util.List;

/**
 * The rows of one table b-tree leaf page, in rowid order, addressed by their index on the page.
 *
 * <p>Kept in primitive arrays: a payload that fits on the page is not copied but read from the page image (which must
 * not change); only payloads that spill are assembled from their overflow chains, when the page is read. Values are
 * decoded only when asked for.
 */
public final class LeafRows {

    private final long pageNumber;
    private final byte[] image;
    private final TextEncoding encoding;
    private final long[] rowids;
    private final int[] payloadOffsets;
    private final int[] payloadSizes;
    /** Assembled payloads of the rows that spill, by row; {@code null} when no row spills. */
    private final byte[][] spilled;
    /** Every overflow page of the rows, in row and chain order. */
    private final long[] overflowPages;
    /** Row {@code i}'s overflow pages are {@code overflowPages[overflowStarts[i] .. overflowStarts[i + 1])}. */
    private final int[] overflowStarts;

    private LeafRows(long pageNumber, byte[] image, TextEncoding encoding, long[] rowids, int[] payloadOffsets,
                     int[] payloadSizes, byte[][] spilled, long[] overflowPages, int[] overflowStarts) {
        this.pageNumber = pageNumber;
        this.image = image;
        this.encoding = encoding;
        this.rowids = rowids;
        this.payloadOffsets = payloadOffsets;
        this.payloadSizes = payloadSizes;
        this.spilled = spilled;
        this.overflowPages = overflowPages;
        this.overflowStarts = overflowStarts;
    }

    /**
     * Decodes a table leaf page.
     *
     * @param pageNumber the page's number (page 1 has its b-tree header at offset 100)
     * @param image      the page image; kept, so it must not change
     * @param overflow   where overflow pages are read
     * @param usableSize the usable page size
     * @param encoding   the database text encoding
     * @return the rows
     * @throws SqliteFormatException if the page is not a well-formed table leaf page, an overflow chain is broken or
     *                               shared by two cells, or the rowids are not strictly ascending
     */
    public static LeafRows read(long pageNumber, byte[] image, PageSource overflow, int usableSize,
                                TextEncoding encoding) {
        BTreePage page = BTreePage.parse(pageNumber, image, usableSize);
        if (page.type() != PageType.LEAF_TABLE) {
            throw new SqliteFormatException("page " + pageNumber + " is " + page.type() + ", not a table leaf page");
        }
        int count = page.cellCount();
        long[] rowids = new long[count];
        int[] offsets = new int[count];
        int[] sizes = new int[count];
        byte[][] spilled = null;
        PageNumberSet overflowSeen = null;
        long[] overflowPages = new long[0];
        int overflowCount = 0;
        int[] overflowStarts = null;
        TableLeafCellReader reader = new TableLeafCellReader(image, usableSize);
        for (int i = 0; i < count; i++) {
            reader.read(page.cellPointer(i));
            rowids[i] = reader.rowid();
            if (i > 0 && rowids[i] <= rowids[i - 1]) {
                throw new SqliteFormatException("page " + pageNumber + " holds rowid " + rowids[i] + " after rowid "
                        + rowids[i - 1] + ": rowids twice or out of order");
            }
            offsets[i] = reader.localOffset();
            sizes[i] = (int) reader.payloadSize();
            if (reader.firstOverflowPage() != 0) {
                TableLeafCell cell = page.tableLeafCell(i);
                if (spilled == null) {
                    spilled = new byte[count][];
                    overflowSeen = new PageNumberSet();
                    overflowStarts = new int[count + 1];
                }
                OverflowChain.Assembled assembled = cell.assemble(overflow);
                spilled[i] = assembled.payload();
                offsets[i] = 0;
                if (overflowPages.length < overflowCount + assembled.pages().size()) {
                    overflowPages = Arrays.copyOf(overflowPages,
                            Math.max(2 * overflowPages.length, overflowCount + assembled.pages().size()));
                }
                for (long p : assembled.pages()) {
                    if (!overflowSeen.add(p)) {
                        throw new SqliteFormatException("overflow page " + p + " is shared by two cells of page "
                                + pageNumber);
                    }
                    overflowPages[overflowCount++] = p;
                }
            }
            if (overflowStarts != null) {
                overflowStarts[i + 1] = overflowCount;
            }
        }
        return new LeafRows(pageNumber, image, encoding, rowids, offsets, sizes, spilled,
                Arrays.copyOf(overflowPages, overflowCount), overflowStarts);
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
     * The number of rows.
     *
     * @return the count
     */
    public int size() {
        return rowids.length;
    }

    /**
     * The rowid of a row.
     *
     * @param index 0 to {@code size() - 1}, in rowid order
     * @return the rowid
     */
    public long rowid(int index) {
        return rowids[index];
    }

    /**
     * The index of the row with a rowid.
     *
     * @param rowid the rowid
     * @return the index, or a negative number when the page holds no such row
     */
    public int indexOf(long rowid) {
        return Arrays.binarySearch(rowids, rowid);
    }

    /**
     * A copy of a row's whole record payload.
     *
     * @param index the row
     * @return the payload bytes
     */
    public byte[] payload(int index) {
        int offset = payloadOffsets[index];
        return Arrays.copyOfRange(payloadArray(index), offset, offset + payloadSizes[index]);
    }

    /**
     * Whether a row here and a row of another page have byte-identical payloads (the cheap test for "row
     * unchanged"; the rowids are not compared).
     *
     * @param index      the row here
     * @param other      the other page's rows
     * @param otherIndex the row there
     * @return true if the payloads are equal
     */
    public boolean samePayload(int index, LeafRows other, int otherIndex) {
        int size = payloadSizes[index];
        if (size != other.payloadSizes[otherIndex]) {
            return false;
        }
        int offset = payloadOffsets[index];
        int otherOffset = other.payloadOffsets[otherIndex];
        return Arrays.equals(payloadArray(index), offset, offset + size,
                other.payloadArray(otherIndex), otherOffset, otherOffset + size);
    }

    /**
     * Decodes a row's record into a caller's array, as {@link Record#decodeInto} does.
     *
     * @param index  the row
     * @param target where the values go
     * @return the number of values in the record
     * @throws SqliteFormatException if the record is malformed
     */
    public int decodeInto(int index, Object[] target) {
        return Record.decodeInto(payloadArray(index), payloadOffsets[index], payloadSizes[index], encoding, target);
    }

    /**
     * The decoded record values of a row. For an {@code INTEGER PRIMARY KEY} table the alias column is NULL; see
     * {@link Record#putRowid(Object[], int, Long)}.
     *
     * @param index the row
     * @return the values in column order (unmodifiable, may contain nulls)
     * @throws SqliteFormatException if the record is malformed
     */
    public List<Object> values(int index) {
        return Record.decode(payload(index), encoding);
    }

    /**
     * The overflow pages holding a row's payload beyond the leaf page, in chain order.
     *
     * @param index the row
     * @return page numbers, empty when the payload is local
     */
    public List<Long> overflowPages(int index) {
        if (overflowStarts == null) {
            return List.of();
        }
        return Arrays.stream(overflowPages, overflowStarts[index], overflowStarts[index + 1]).boxed().toList();
    }

    /**
     * Adds every overflow page used by the rows of this leaf to a set.
     *
     * @param pages the set
     */
    public void addOverflowPagesTo(PageNumberSet pages) {
        pages.addAll(overflowPages);
    }

    private byte[] payloadArray(int index) {
        return spilled != null && spilled[index] != null ? spilled[index] : image;
    }

    @Override
    public String toString() {
        return "LeafRows[page " + pageNumber + ", " + rowids.length + " rows"
                + (overflowPages.length == 0 ? "" : ", overflowPages=" + Arrays.toString(overflowPages)) + "]";
    }
}
