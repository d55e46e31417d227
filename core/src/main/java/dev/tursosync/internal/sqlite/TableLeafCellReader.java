package dev.tursosync.internal.sqlite;

/**
 * Reads the cells of one table b-tree leaf page image one after the other into its own fields, without allocating
 * per cell: the parse behind {@link TableLeafCell#parse} and {@link LeafRows#read}. A varint of one byte (a payload
 * under 128 bytes, a rowid under 128) is read in one step, varints of up to 8 bytes in one pass, the 9-byte ones
 * (negative rowids) by {@link SqliteVarint}.
 */
final class TableLeafCellReader {

    private final byte[] image;
    private final int usableSize;
    private final int limit;
    private int at;
    private long rowid;
    private long payloadSize;
    private int localOffset;
    private int localSize;
    private long firstOverflowPage;

    /**
     * A reader of a page image.
     *
     * @param image      the page image
     * @param usableSize the usable page size
     */
    TableLeafCellReader(byte[] image, int usableSize) {
        this.image = image;
        this.usableSize = usableSize;
        this.limit = Math.min(usableSize, image.length);
    }

    /**
     * Reads the cell at {@code cellOffset}: payload size varint, rowid varint, local payload, and the first overflow
     * page number when the payload does not fit.
     *
     * @param cellOffset where the cell starts
     * @throws SqliteFormatException if the cell runs past the usable area or is otherwise malformed
     */
    void read(int cellOffset) {
        at = cellOffset;
        payloadSize = varint();
        if (payloadSize < 0 || payloadSize > OverflowChain.MAX_PAYLOAD_SIZE) {
            throw new SqliteFormatException("cell at offset " + cellOffset + " has payload size " + payloadSize);
        }
        rowid = varint();
        localSize = OverflowChain.localPayloadSizeOfTableLeaf(payloadSize, usableSize);
        localOffset = at;
        boolean spills = localSize < payloadSize;
        long end = (long) at + localSize + (spills ? 4 : 0);
        if (end > limit) {
            throw new SqliteFormatException("cell at offset " + cellOffset + " (rowid " + rowid
                    + ") runs past the usable page end " + limit);
        }
        firstOverflowPage = 0;
        if (spills) {
            firstOverflowPage = DatabaseHeader.u32(image, at + localSize);
            if (firstOverflowPage == 0) {
                throw new SqliteFormatException("cell with rowid " + rowid + " spills but names no overflow page");
            }
        }
    }

    /**
     * Reads the varint at {@code at} in one pass and moves past it; 9-byte varints and errors go to the general
     * reader.
     */
    private long varint() {
        int start = at;
        int stop = Math.min(start + SqliteVarint.MAX_LENGTH - 1, limit);
        long value = 0;
        for (int i = start; i < stop; i++) {
            int b = image[i];
            value = (value << 7) | (b & 0x7f);
            if (b >= 0) {
                at = i + 1;
                return value;
            }
        }
        value = SqliteVarint.read(image, start, limit);
        at = start + SqliteVarint.length(image, start, limit);
        return value;
    }

    /** The last cell's rowid. */
    long rowid() {
        return rowid;
    }

    /** The last cell's total payload size. */
    long payloadSize() {
        return payloadSize;
    }

    /** Where the last cell's local payload starts on the page. */
    int localOffset() {
        return localOffset;
    }

    /** How many of the last cell's payload bytes are on the page. */
    int localSize() {
        return localSize;
    }

    /** The last cell's first overflow page, or 0 when its payload is wholly local. */
    long firstOverflowPage() {
        return firstOverflowPage;
    }
}
