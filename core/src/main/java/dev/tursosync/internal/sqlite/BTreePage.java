package dev.tursosync.internal.sqlite;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One b-tree page: its header, cell pointer array, child pages (interior pages) and cells (table leaf pages).
 *
 * <p>Page 1 has its b-tree header at offset 100, after the database header; cell pointers are always relative to
 * the start of the page. The page is a view of the image it was parsed from; the image must not change.
 */
public final class BTreePage {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private final long pageNumber;
    private final byte[] image;
    private final int usableSize;
    private final int headerOffset;
    private final PageType type;
    private final int firstFreeblock;
    private final int cellCount;
    private final int cellContentAreaStart;
    private final int fragmentedFreeBytes;
    private final long rightMostPointer;
    private final int cellPointerArrayOffset;

    private BTreePage(long pageNumber, byte[] image, int usableSize) {
        this.pageNumber = pageNumber;
        this.image = image;
        this.usableSize = usableSize;
        this.headerOffset = pageNumber == 1 ? DatabaseHeader.SIZE : 0;
        if (image.length < usableSize) {
            throw new SqliteFormatException("page " + pageNumber + " has " + image.length + " bytes, less than the usable size "
                    + usableSize);
        }
        if (headerOffset + 8 > usableSize) {
            throw new SqliteFormatException("page " + pageNumber + " too small for a b-tree header");
        }
        this.type = typeOf(pageNumber, image[headerOffset] & 0xff);
        int headerSize = type.isLeaf() ? 8 : 12;
        if (headerOffset + headerSize > usableSize) {
            throw new SqliteFormatException("page " + pageNumber + " too small for a b-tree header");
        }
        this.firstFreeblock = u16(headerOffset + 1);
        this.cellCount = u16(headerOffset + 3);
        int contentStart = u16(headerOffset + 5);
        this.cellContentAreaStart = contentStart == 0 ? 65536 : contentStart;
        this.fragmentedFreeBytes = image[headerOffset + 7] & 0xff;
        this.rightMostPointer = type.isLeaf() ? 0 : DatabaseHeader.u32(image, headerOffset + 8);
        this.cellPointerArrayOffset = headerOffset + headerSize;
        int pointerArrayEnd = cellPointerArrayOffset + 2 * cellCount;
        if (pointerArrayEnd > usableSize) {
            throw new SqliteFormatException("page " + pageNumber + ": cell pointer array of " + cellCount
                    + " cells runs past the usable page end " + usableSize);
        }
        if (!type.isLeaf() && rightMostPointer == 0) {
            throw new SqliteFormatException("interior page " + pageNumber + " has no right-most child");
        }
        int minCellSize = type.isLeaf() ? 2 : 4;
        for (int i = 0; i < cellCount; i++) {
            int pointer = u16(cellPointerArrayOffset + 2 * i);
            if (pointer < pointerArrayEnd || pointer + minCellSize > usableSize) {
                throw new SqliteFormatException("page " + pageNumber + ": cell " + i + " pointer " + pointer
                        + " is outside the cell content area [" + pointerArrayEnd + ", " + usableSize + ")");
            }
        }
    }

    private static PageType typeOf(long pageNumber, int flag) {
        try {
            return PageType.fromFlag(flag);
        } catch (SqliteFormatException e) {
            throw new SqliteFormatException("page " + pageNumber + ": " + e.getMessage());
        }
    }

    /**
     * Parses and validates a b-tree page.
     *
     * @param pageNumber the 1-based page number (page 1 has its b-tree header at offset 100)
     * @param image      the page image
     * @param usableSize the usable page size (page size minus reserved bytes)
     * @return the page
     * @throws SqliteFormatException if the page type is unknown or the header or cell pointers are out of range
     */
    public static BTreePage parse(long pageNumber, byte[] image, int usableSize) {
        if (pageNumber < 1) {
            throw new IllegalArgumentException("page numbers start at 1: " + pageNumber);
        }
        if (usableSize < DatabaseHeader.MIN_USABLE_SIZE || usableSize > DatabaseHeader.MAX_PAGE_SIZE) {
            throw new IllegalArgumentException("usable size out of range: " + usableSize);
        }
        return new BTreePage(pageNumber, image, usableSize);
    }

    /**
     * Reads and parses a b-tree page.
     *
     * @param source     the pages
     * @param pageNumber the page to read
     * @param usableSize the usable page size
     * @return the page
     * @throws SqliteFormatException if the page is missing or malformed
     */
    public static BTreePage read(PageSource source, long pageNumber, int usableSize) {
        byte[] image = source.page(pageNumber);
        if (image == null) {
            throw new SqliteFormatException("b-tree page " + pageNumber + " is missing");
        }
        return parse(pageNumber, image, usableSize);
    }

    /**
     * The page number this page was parsed as.
     *
     * @return the 1-based page number
     */
    public long pageNumber() {
        return pageNumber;
    }

    /**
     * The page type.
     *
     * @return the type
     */
    public PageType type() {
        return type;
    }

    /**
     * Where the b-tree page header starts: 100 on page 1, else 0.
     *
     * @return the offset
     */
    public int headerOffset() {
        return headerOffset;
    }

    /**
     * The offset of the first freeblock, 0 if none.
     *
     * @return the offset
     */
    public int firstFreeblock() {
        return firstFreeblock;
    }

    /**
     * The number of cells on the page.
     *
     * @return the count
     */
    public int cellCount() {
        return cellCount;
    }

    /**
     * The start of the cell content area (a stored 0 means 65536).
     *
     * @return the offset
     */
    public int cellContentAreaStart() {
        return cellContentAreaStart;
    }

    /**
     * The number of fragmented free bytes in the cell content area.
     *
     * @return the count
     */
    public int fragmentedFreeBytes() {
        return fragmentedFreeBytes;
    }

    /**
     * The right-most child of an interior page.
     *
     * @return the page number, or 0 for leaf pages
     */
    public long rightMostPointer() {
        return rightMostPointer;
    }

    /**
     * The offset of cell {@code index}, from the cell pointer array.
     *
     * @param index 0 to {@code cellCount() - 1}
     * @return the byte offset of the cell from the start of the page
     */
    public int cellPointer(int index) {
        if (index < 0 || index >= cellCount) {
            throw new IndexOutOfBoundsException("cell " + index + " of " + cellCount);
        }
        return u16(cellPointerArrayOffset + 2 * index);
    }

    /**
     * All cell offsets in cell pointer array order (key order).
     *
     * @return the offsets
     */
    public int[] cellPointers() {
        int[] pointers = new int[cellCount];
        for (int i = 0; i < cellCount; i++) {
            pointers[i] = u16(cellPointerArrayOffset + 2 * i);
        }
        return pointers;
    }

    /**
     * The left child pointer of cell {@code index} of an interior page (its first four bytes).
     *
     * @param index the cell
     * @return the child page number
     * @throws IllegalStateException if this is a leaf page
     * @throws SqliteFormatException if the pointer is 0
     */
    public long leftChild(int index) {
        requireInterior();
        long child = DatabaseHeader.u32(image, cellPointer(index));
        if (child == 0) {
            throw new SqliteFormatException("page " + pageNumber + ": cell " + index + " has child page 0");
        }
        return child;
    }

    /**
     * The children of an interior page in key order: every cell's left child, then the right-most pointer.
     *
     * @return {@code cellCount() + 1} page numbers
     * @throws IllegalStateException if this is a leaf page
     */
    public long[] childPageNumbers() {
        requireInterior();
        long[] children = new long[cellCount + 1];
        for (int i = 0; i < cellCount; i++) {
            children[i] = leftChild(i);
        }
        children[cellCount] = rightMostPointer;
        return children;
    }

    /**
     * The integer key (rowid) of cell {@code index} of a table interior page: every rowid in the left child's
     * subtree is less than or equal to it.
     *
     * @param index the cell
     * @return the key
     * @throws IllegalStateException if this is not an interior table page
     */
    public long interiorTableKey(int index) {
        if (type != PageType.INTERIOR_TABLE) {
            throw new IllegalStateException("page " + pageNumber + " is " + type + ", not an interior table page");
        }
        return SqliteVarint.read(image, cellPointer(index) + 4, usableSize);
    }

    /**
     * Cell {@code index} of a table leaf page.
     *
     * @param index the cell
     * @return the cell
     * @throws IllegalStateException if this is not a table leaf page
     * @throws SqliteFormatException if the cell is malformed
     */
    public TableLeafCell tableLeafCell(int index) {
        if (type != PageType.LEAF_TABLE) {
            throw new IllegalStateException("page " + pageNumber + " is " + type + ", not a table leaf page");
        }
        return TableLeafCell.parse(image, cellPointer(index), usableSize);
    }

    /**
     * All cells of a table leaf page in key order.
     *
     * @return the cells
     * @throws IllegalStateException if this is not a table leaf page
     * @throws SqliteFormatException if a cell is malformed
     */
    public List<TableLeafCell> tableLeafCells() {
        List<TableLeafCell> cells = new ArrayList<>(cellCount);
        for (int i = 0; i < cellCount; i++) {
            cells.add(tableLeafCell(i));
        }
        return Collections.unmodifiableList(cells);
    }

    /**
     * The record of cell {@code index} of an index page (leaf or interior), its overflow pages assembled.
     *
     * @param index  the cell
     * @param source where overflow pages are read
     * @return the record
     * @throws IllegalStateException if this is a table page
     * @throws SqliteFormatException if the cell or its overflow chain is malformed
     */
    public byte[] indexCellPayload(int index, PageSource source) {
        int[] cell = indexCell(index);
        int at = cell[1];
        int local = cell[2];
        long payloadSize = cell[3];
        if (local == payloadSize) {
            return java.util.Arrays.copyOfRange(image, at, at + local);
        }
        long first = DatabaseHeader.u32(image, at + local);
        return OverflowChain.follow(source, first, image, at, local, payloadSize, usableSize, true).payload();
    }

    /**
     * Searches the cells of an index page for a key, as a look-up descends an index b-tree.
     *
     * @param key    the record to find
     * @param order  the index's order
     * @param source where overflow pages are read
     * @return the cell whose record the order takes as equal to {@code key}, or {@code -(slot + 1)} where
     *         {@code slot} is the first cell above the key ({@link #cellCount()} when none is): the child to descend
     *         to on an interior page
     * @throws IllegalStateException if this is a table page
     * @throws SqliteFormatException if a cell or record is malformed
     */
    public int searchIndex(byte[] key, IndexKeyComparator order, PageSource source) {
        int low = 0;
        int high = cellCount;
        while (low < high) {
            int middle = (low + high) >>> 1;
            int compared = compareIndexCell(key, middle, order, source);
            if (compared == 0) {
                return middle;
            }
            if (compared < 0) {
                high = middle;
            } else {
                low = middle + 1;
            }
        }
        return -(low + 1);
    }

    /**
     * Compares a key with the record of cell {@code index} of an index page, in place on the page when the record
     * does not spill.
     *
     * @param key    the record to compare
     * @param index  the cell
     * @param order  the index's order
     * @param source where overflow pages are read
     * @return negative, zero or positive as {@code key} sorts before, with or after the cell's record
     * @throws IllegalStateException if this is a table page
     * @throws SqliteFormatException if the cell or a record is malformed
     */
    public int compareIndexCell(byte[] key, int index, IndexKeyComparator order, PageSource source) {
        int[] cell = indexCell(index);
        if (cell[2] == cell[3]) {
            return order.compare(key, 0, key.length, image, cell[1], cell[2]);
        }
        return order.compare(key, indexCellPayload(index, source));
    }

    /**
     * A hash of the bytes {@link #sameCell} compares: for a table leaf cell its rowid, local payload and first
     * overflow page; for an index cell the bytes {@link #indexCellLocalBytes} returns.
     *
     * @param index the cell
     * @return the hash
     * @throws IllegalStateException if this is an interior table page
     * @throws SqliteFormatException if the cell is malformed
     */
    public int cellHash(int index) {
        if (type == PageType.LEAF_TABLE) {
            TableLeafCell cell = tableLeafCell(index);
            int hash = 31 * Long.hashCode(cell.rowid()) + Long.hashCode(cell.firstOverflowPage());
            return hash(hash, cell.localPayloadOffset(), cell.localPayloadOffset() + cell.localPayloadSize());
        }
        int[] cell = indexCell(index);
        return hash(1, cell[0], indexCellEnd(cell));
    }

    /**
     * Whether cell {@code index} holds the same bytes as a cell of another page of the same kind (table leaf, or
     * index page of either level): for table leaf cells the same rowid, local payload and first overflow page; for
     * index cells the bytes {@link #indexCellLocalBytes} returns. Two such cells hold the same row or entry unless an
     * overflow page they share changed.
     *
     * @param index      the cell here
     * @param other      the other page
     * @param otherIndex the cell there
     * @return whether the bytes are equal
     * @throws IllegalStateException if a page is an interior table page or the two are of different kinds
     * @throws SqliteFormatException if a cell is malformed
     */
    public boolean sameCell(int index, BTreePage other, int otherIndex) {
        if (type == PageType.LEAF_TABLE || other.type == PageType.LEAF_TABLE) {
            TableLeafCell cell = tableLeafCell(index);
            TableLeafCell otherCell = other.tableLeafCell(otherIndex);
            int from = cell.localPayloadOffset();
            int otherFrom = otherCell.localPayloadOffset();
            return cell.rowid() == otherCell.rowid() && cell.firstOverflowPage() == otherCell.firstOverflowPage()
                    && java.util.Arrays.equals(image, from, from + cell.localPayloadSize(),
                    other.image, otherFrom, otherFrom + otherCell.localPayloadSize());
        }
        int[] cell = indexCell(index);
        int[] otherCell = other.indexCell(otherIndex);
        return java.util.Arrays.equals(image, cell[0], indexCellEnd(cell), other.image, otherCell[0],
                indexCellEnd(otherCell));
    }

    /** A hash of {@code image[from, to)}, eight bytes at a time. */
    private int hash(int seed, int from, int to) {
        long hash = seed * 31L + (to - from);
        int at = from;
        for (; at + Long.BYTES <= to; at += Long.BYTES) {
            hash = hash * 0x9E3779B97F4A7C15L + (long) LONGS.get(image, at);
        }
        for (; at < to; at++) {
            hash = hash * 31 + image[at];
        }
        hash = (hash ^ (hash >>> 33)) * 0xFF51AFD7ED558CCDL;
        return (int) (hash ^ (hash >>> 33));
    }

    /** Where an index cell's local bytes end: after its local payload and its first overflow page, if any. */
    private static int indexCellEnd(int[] cell) {
        return cell[1] + cell[2] + (cell[2] < cell[3] ? 4 : 0);
    }

    /**
     * The bytes of cell {@code index} of an index page as they are on the page, without the child pointer of an
     * interior cell: its payload size, local payload and first overflow page. Two cells with the same bytes hold the
     * same entry unless an overflow page they share changed.
     *
     * @param index the cell
     * @return the bytes
     * @throws IllegalStateException if this is a table page
     * @throws SqliteFormatException if the cell runs past the usable size
     */
    public byte[] indexCellLocalBytes(int index) {
        int[] cell = indexCell(index);
        return java.util.Arrays.copyOfRange(image, cell[0], indexCellEnd(cell));
    }

    /**
     * Where cell {@code index} of an index page is: its start (past an interior cell's child pointer), where its
     * payload starts, its local payload size and its whole payload size.
     */
    private int[] indexCell(int index) {
        if (type.isTable()) {
            throw new IllegalStateException("page " + pageNumber + " is " + type + ", not an index page");
        }
        int start = cellPointer(index) + (type.isLeaf() ? 0 : 4);
        long payloadSize = SqliteVarint.read(image, start, usableSize);
        int at = start + SqliteVarint.length(image, start, usableSize);
        if (payloadSize < 0 || payloadSize > OverflowChain.MAX_PAYLOAD_SIZE) {
            throw new SqliteFormatException("page " + pageNumber + ": cell " + index + " has payload size "
                    + payloadSize);
        }
        int local = OverflowChain.localPayloadSizeOfIndex(payloadSize, usableSize);
        if ((long) at + local + (local < payloadSize ? 4 : 0) > usableSize) {
            throw new SqliteFormatException("page " + pageNumber + ": cell " + index + " runs past the usable size");
        }
        return new int[] {start, at, local, (int) payloadSize};
    }

    /**
     * The usable page size this page was parsed with.
     *
     * @return bytes
     */
    public int usableSize() {
        return usableSize;
    }

    private void requireInterior() {
        if (type.isLeaf()) {
            throw new IllegalStateException("page " + pageNumber + " is a leaf page");
        }
    }

    private int u16(int offset) {
        return ((image[offset] & 0xff) << 8) | (image[offset + 1] & 0xff);
    }

    @Override
    public String toString() {
        return "BTreePage[" + pageNumber + ", " + type + ", cells=" + cellCount
                + (type.isLeaf() ? "" : ", rightMost=" + rightMostPointer) + "]";
    }
}
