package dev.tursosync.internal.sqlite;

import java.util.Arrays;
import java.util.List;

/**
 * One cell of a table b-tree leaf page: a rowid and the record payload, of which the first part is on the page and
 * the rest, if any, on a chain of overflow pages.
 *
 * <p>The cell is a view of the page image it came from.
 */
public final class TableLeafCell {

    private final byte[] image;
    private final int cellOffset;
    private final long rowid;
    private final long payloadSize;
    private final int localOffset;
    private final int localSize;
    private final long firstOverflowPage;
    private final int usableSize;

    private TableLeafCell(byte[] image, int cellOffset, long rowid, long payloadSize, int localOffset, int localSize,
                          long firstOverflowPage, int usableSize) {
        this.image = image;
        this.cellOffset = cellOffset;
        this.rowid = rowid;
        this.payloadSize = payloadSize;
        this.localOffset = localOffset;
        this.localSize = localSize;
        this.firstOverflowPage = firstOverflowPage;
        this.usableSize = usableSize;
    }

    /**
     * Parses the cell at {@code cellOffset}: payload size varint, rowid varint, local payload, and the first
     * overflow page number when the payload does not fit.
     *
     * @param image      the page image
     * @param cellOffset where the cell starts
     * @param usableSize the usable page size
     * @return the cell
     * @throws SqliteFormatException if the cell runs past the usable area or is otherwise malformed
     */
    public static TableLeafCell parse(byte[] image, int cellOffset, int usableSize) {
        TableLeafCellReader cell = new TableLeafCellReader(image, usableSize);
        cell.read(cellOffset);
        return new TableLeafCell(image, cellOffset, cell.rowid(), cell.payloadSize(), cell.localOffset(),
                cell.localSize(), cell.firstOverflowPage(), usableSize);
    }

    /**
     * The rowid (the table b-tree key).
     *
     * @return the rowid
     */
    public long rowid() {
        return rowid;
    }

    /**
     * Where the cell starts on its page.
     *
     * @return the byte offset
     */
    public int cellOffset() {
        return cellOffset;
    }

    /**
     * The total payload size P, local part plus overflow.
     *
     * @return bytes
     */
    public long payloadSize() {
        return payloadSize;
    }

    /**
     * Where the part of the payload stored on the leaf page starts.
     *
     * @return the byte offset from the start of the page
     */
    public int localPayloadOffset() {
        return localOffset;
    }

    /**
     * How many payload bytes are on the leaf page itself.
     *
     * @return bytes
     */
    public int localPayloadSize() {
        return localSize;
    }

    /**
     * Whether part of the payload is on overflow pages.
     *
     * @return true if the payload spills
     */
    public boolean hasOverflow() {
        return firstOverflowPage != 0;
    }

    /**
     * The first overflow page.
     *
     * @return the page number, or 0 when the payload is wholly local
     */
    public long firstOverflowPage() {
        return firstOverflowPage;
    }

    /**
     * How many overflow pages the payload needs, computed from the sizes without reading any page.
     *
     * @return the length of the overflow chain
     */
    public long overflowPageCount() {
        return OverflowChain.overflowPageCount(payloadSize, localSize, usableSize);
    }

    /**
     * A copy of the part of the payload stored on the leaf page.
     *
     * @return the local payload bytes
     */
    public byte[] localPayload() {
        return Arrays.copyOfRange(image, localOffset, localOffset + localSize);
    }

    /**
     * The whole payload, following the overflow chain when there is one.
     *
     * @param source where overflow pages are read (unused when the payload is local)
     * @return the payload bytes, exactly {@link #payloadSize()} of them
     * @throws SqliteFormatException if the chain is broken, too short, too long or cyclic
     */
    public byte[] payload(PageSource source) {
        if (!hasOverflow()) {
            return localPayload();
        }
        return follow(source, true).payload();
    }

    /**
     * The overflow pages of this cell in chain order (reads each of them to find the next).
     *
     * @param source where overflow pages are read
     * @return the page numbers, empty when the payload is local
     * @throws SqliteFormatException if the chain is broken, too short, too long or cyclic
     */
    public List<Long> overflowPages(PageSource source) {
        return hasOverflow() ? follow(source, false).pages() : List.of();
    }

    OverflowChain.Assembled assemble(PageSource source) {
        return hasOverflow() ? follow(source, true) : new OverflowChain.Assembled(localPayload(), List.of());
    }

    private OverflowChain.Assembled follow(PageSource source, boolean copy) {
        return OverflowChain.follow(source, firstOverflowPage, image, localOffset, localSize, payloadSize, usableSize,
                copy);
    }

    @Override
    public String toString() {
        return "TableLeafCell[rowid=" + rowid + ", payloadSize=" + payloadSize + ", local=" + localSize
                + (hasOverflow() ? ", firstOverflowPage=" + firstOverflowPage : "") + "]";
    }
}
