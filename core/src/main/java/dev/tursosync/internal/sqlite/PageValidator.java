package dev.tursosync.internal.sqlite;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Structural checks of page images that came from a server, before they become part of a database: page 1's
 * database header, and one b-tree page at a time (page type, cell count, cell pointers and cell extents within the
 * usable size, no overlapping cells, the freeblock chain, the fragmented byte count, interior children and overflow
 * pages within the database size). Each check reads only the page it is given, so a pull is checked in time proportional to its pages.
 *
 * <p>Every defect is a {@link SqliteFormatException} whose message names the page and what is wrong with it.
 */
public final class PageValidator {

    /** A cell whose payload continues on overflow pages. */
    public record OverflowHead(long pageNumber, int cell, long firstPage, long pageCount) {
    }

    private final int usableSize;
    private final long databaseSizePages;

    /**
     * Creates a validator for one state of a database.
     *
     * @param usableSize        the usable page size (page size minus reserved bytes) from page 1's header
     * @param databaseSizePages the database size in pages in that state
     */
    public PageValidator(int usableSize, long databaseSizePages) {
        this.usableSize = usableSize;
        this.databaseSizePages = databaseSizePages;
    }

    /**
     * Checks page 1's database header against what the replica expects.
     *
     * @param page1             the image of page 1
     * @param pageSize          the page size the replica uses
     * @param reservedBytes     the reserved bytes the replica has, or -1 when any value SQLite allows will do
     * @param databaseSizePages the database size the server announced
     * @return the header
     * @throws SqliteFormatException naming the defect
     */
    public static DatabaseHeader checkHeader(byte[] page1, int pageSize, int reservedBytes, long databaseSizePages) {
        DatabaseHeader header;
        try {
            header = DatabaseHeader.parse(page1);
        } catch (SqliteFormatException e) {
            throw new SqliteFormatException("page 1: " + e.getMessage());
        }
        if (page1.length != pageSize) {
            throw new SqliteFormatException("page 1 has " + page1.length + " bytes, expected " + pageSize);
        }
        if (header.pageSize() != pageSize) {
            throw new SqliteFormatException("page 1: the header's page size is " + header.pageSize()
                    + ", expected " + pageSize);
        }
        if (reservedBytes >= 0 && header.reservedBytes() != reservedBytes) {
            throw new SqliteFormatException("page 1: the header reserves " + header.reservedBytes()
                    + " bytes per page, the replica " + reservedBytes);
        }
        if (!isVersion(header.writeVersion()) || !isVersion(header.readVersion())) {
            throw new SqliteFormatException("page 1: unknown file format versions " + header.writeVersion() + "/"
                    + header.readVersion());
        }
        if (header.schemaFormat() > 4) {
            throw new SqliteFormatException("page 1: unknown schema format " + header.schemaFormat());
        }
        long largestRoot = DatabaseHeader.u32(page1, 52);
        long incrementalVacuum = DatabaseHeader.u32(page1, 64);
        if (incrementalVacuum > 1 || (largestRoot == 0 && incrementalVacuum != 0)) {
            throw new SqliteFormatException("page 1: incremental vacuum " + incrementalVacuum
                    + " with largest root page " + largestRoot);
        }
        int encoding = (int) DatabaseHeader.u32(page1, 56);
        if (encoding > 3) {
            throw new SqliteFormatException("page 1: unknown text encoding " + encoding);
        }
        if (header.freelistPageCount() >= Math.max(databaseSizePages, 1)) {
            throw new SqliteFormatException("page 1: " + header.freelistPageCount() + " freelist pages in a "
                    + databaseSizePages + "-page database");
        }
        if (header.firstFreelistTrunkPage() > databaseSizePages || header.firstFreelistTrunkPage() == 1) {
            throw new SqliteFormatException("page 1: freelist trunk page " + header.firstFreelistTrunkPage()
                    + " is outside the " + databaseSizePages + "-page database");
        }
        if ((header.firstFreelistTrunkPage() == 0) != (header.freelistPageCount() == 0)) {
            throw new SqliteFormatException("page 1: freelist trunk page " + header.firstFreelistTrunkPage()
                    + " disagrees with the freelist count " + header.freelistPageCount());
        }
        if (header.isDatabaseSizeValid() && header.databaseSizeInPages() != databaseSizePages) {
            throw new SqliteFormatException("page 1: the header says " + header.databaseSizeInPages()
                    + " pages, the server " + databaseSizePages);
        }
        return header;
    }

    private static boolean isVersion(int version) {
        return version == 1 || version == 2;
    }

    /**
     * Whether an image starts as a b-tree page does: with one of the four page type flags (after the database header
     * on page 1). An overflow or freelist trunk page starts with a page number, whose first byte is 0 or 1 in a
     * database below 2^25 pages.
     *
     * @param pageNumber the page number
     * @param image      the image
     * @return whether the first b-tree header byte is a page type flag
     */
    public static boolean looksLikeBTree(long pageNumber, byte[] image) {
        int offset = pageNumber == 1 ? DatabaseHeader.SIZE : 0;
        if (image == null || image.length <= offset) {
            return false;
        }
        int flag = image[offset] & 0xff;
        return flag == 2 || flag == 5 || flag == 10 || flag == 13;
    }

    /**
     * Checks one b-tree page.
     *
     * @param pageNumber the page number
     * @param image      the image
     * @return the cells that continue on overflow pages, for the caller to follow
     * @throws SqliteFormatException naming the page and the defect
     */
    public List<OverflowHead> checkBTreePage(long pageNumber, byte[] image) {
        BTreePage page = BTreePage.parse(pageNumber, image, usableSize);
        int pointerArrayEnd = page.headerOffset() + (page.type().isLeaf() ? 8 : 12) + 2 * page.cellCount();
        int contentStart = page.cellContentAreaStart();
        if (contentStart > usableSize || (page.cellCount() > 0 && contentStart < pointerArrayEnd)) {
            throw defect(pageNumber, "cell content area starts at " + contentStart + ", outside ["
                    + pointerArrayEnd + ", " + usableSize + "]");
        }
        if (!page.type().isLeaf()) {
            checkChild(pageNumber, page.rightMostPointer(), "right-most child");
        }
        long[] extents = new long[page.cellCount()];
        List<OverflowHead> overflows = new ArrayList<>();
        for (int cell = 0; cell < page.cellCount(); cell++) {
            int offset = page.cellPointer(cell);
            if (offset < contentStart) {
                throw defect(pageNumber, "cell " + cell + " at offset " + offset
                        + " lies before the cell content area at " + contentStart);
            }
            int size = cellSize(page, image, cell, offset, overflows);
            extents[cell] = ((long) offset << 32) | (offset + size);
        }
        Arrays.sort(extents);
        long cellBytes = 0;
        for (int i = 0; i < extents.length; i++) {
            cellBytes += (extents[i] & 0xffff_ffffL) - (extents[i] >>> 32);
            if (i > 0 && (extents[i] >>> 32) < (extents[i - 1] & 0xffff_ffffL)) {
                throw defect(pageNumber, "cells at offsets " + (extents[i - 1] >>> 32) + " and "
                        + (extents[i] >>> 32) + " overlap");
            }
        }
        int free = checkFreeblocks(page, image, contentStart);
        long fragmented = (page.cellCount() == 0 ? usableSize - Math.min(contentStart, usableSize)
                : usableSize - contentStart) - cellBytes - free;
        if (page.cellCount() > 0 && fragmented != page.fragmentedFreeBytes()) {
            throw defect(pageNumber, "the header reports " + page.fragmentedFreeBytes() + " fragmented bytes, the "
                    + "cells and freeblocks leave " + fragmented);
        }
        return overflows;
    }

    private int cellSize(BTreePage page, byte[] image, int cell, int offset, List<OverflowHead> overflows) {
        long pageNumber = page.pageNumber();
        int position = offset;
        try {
            if (!page.type().isLeaf()) {
                checkChild(pageNumber, DatabaseHeader.u32(image, checked(pageNumber, cell, position, 4)),
                        "child of cell " + cell);
                position += 4;
            }
            if (page.type() == PageType.INTERIOR_TABLE) {
                position += SqliteVarint.length(image, position, usableSize);
                return end(pageNumber, cell, offset, position);
            }
            long payload = SqliteVarint.read(image, position, usableSize);
            position += SqliteVarint.length(image, position, usableSize);
            if (payload < 0 || payload > OverflowChain.MAX_PAYLOAD_SIZE) {
                throw defect(pageNumber, "cell " + cell + " has payload size " + payload);
            }
            if (page.type() == PageType.LEAF_TABLE) {
                position += SqliteVarint.length(image, position, usableSize);
            }
            int local = page.type() == PageType.LEAF_TABLE
                    ? OverflowChain.localPayloadSizeOfTableLeaf(payload, usableSize)
                    : OverflowChain.localPayloadSizeOfIndex(payload, usableSize);
            checked(pageNumber, cell, position, local);
            checkRecordHeader(pageNumber, cell, image, position, local, payload);
            position += local;
            if (local < payload) {
                long first = DatabaseHeader.u32(image, checked(pageNumber, cell, position, 4));
                if (first < 2 || first > databaseSizePages) {
                    throw defect(pageNumber, "cell " + cell + " continues on overflow page " + first
                            + ", outside the " + databaseSizePages + "-page database");
                }
                overflows.add(new OverflowHead(pageNumber, cell, first,
                        OverflowChain.overflowPageCount(payload, local, usableSize)));
                position += 4;
            }
            return end(pageNumber, cell, offset, position);
        } catch (SqliteFormatException e) {
            if (e.getMessage().startsWith("page " + pageNumber + ":")) {
                throw e;
            }
            throw defect(pageNumber, "cell " + cell + ": " + e.getMessage());
        }
    }

    /**
     * The record's header, when it lies in the local part: its size within the payload, no reserved serial type, and
     * the column sizes adding up to the payload size.
     */
    private static void checkRecordHeader(long pageNumber, int cell, byte[] image, int start, int local, long payload) {
        int end = start + local;
        long headerSize = SqliteVarint.read(image, start, end);
        if (headerSize < 1 || headerSize > payload) {
            throw defect(pageNumber, "cell " + cell + ": record header of " + headerSize + " bytes in a payload of "
                    + payload);
        }
        if (headerSize > local) {
            return;
        }
        long total = headerSize;
        for (int offset = start + SqliteVarint.length(image, start, end); offset < start + headerSize; ) {
            long serialType = SqliteVarint.read(image, offset, (int) (start + headerSize));
            if (serialType == 10 || serialType == 11 || serialType < 0) {
                throw defect(pageNumber, "cell " + cell + ": reserved serial type " + serialType);
            }
            total += Record.contentSize(serialType);
            offset += SqliteVarint.length(image, offset, (int) (start + headerSize));
        }
        if (total != payload) {
            throw defect(pageNumber, "cell " + cell + ": the record's columns take " + total + " bytes, the payload "
                    + payload);
        }
    }

    private int checked(long pageNumber, int cell, int position, int length) {
        if (position + length > usableSize) {
            throw defect(pageNumber, "cell " + cell + " runs past the usable size " + usableSize);
        }
        return position;
    }

    /** A cell occupies at least 4 bytes (SQLite pads smaller ones) and ends within the usable size. */
    private int end(long pageNumber, int cell, int offset, int position) {
        int size = Math.max(4, position - offset);
        if (offset + size > usableSize) {
            throw defect(pageNumber, "cell " + cell + " at offset " + offset + " (" + size
                    + " bytes) runs past the usable size " + usableSize);
        }
        return size;
    }

    private void checkChild(long pageNumber, long child, String what) {
        if (child < 2 || child > databaseSizePages || child == pageNumber) {
            throw defect(pageNumber, what + " is page " + child + ", outside the " + databaseSizePages
                    + "-page database");
        }
    }

    /**
     * The freeblock chain: ascending, inside the cell content area, each at least 4 bytes, finite.
     *
     * @return the bytes in freeblocks
     */
    private int checkFreeblocks(BTreePage page, byte[] image, int contentStart) {
        long pageNumber = page.pageNumber();
        int free = 0;
        int previousEnd = contentStart;
        for (int block = page.firstFreeblock(); block != 0; ) {
            if (block < previousEnd || block > usableSize - 4) {
                throw defect(pageNumber, "freeblock at " + block + " is out of order or outside ["
                        + previousEnd + ", " + (usableSize - 4) + "]");
            }
            int size = u16(image, block + 2);
            if (size < 4 || block + size > usableSize) {
                throw defect(pageNumber, "freeblock at " + block + " of " + size + " bytes runs past the usable size "
                        + usableSize);
            }
            free += size;
            previousEnd = block + size;
            block = u16(image, block);
        }
        if (free + page.fragmentedFreeBytes() > usableSize - Math.min(contentStart, usableSize)) {
            throw defect(pageNumber, free + " free and " + page.fragmentedFreeBytes()
                    + " fragmented bytes exceed the cell content area");
        }
        return free;
    }

    private static int u16(byte[] image, int offset) {
        return ((image[offset] & 0xff) << 8) | (image[offset + 1] & 0xff);
    }

    private static SqliteFormatException defect(long pageNumber, String what) {
        return new SqliteFormatException("page " + pageNumber + ": " + what);
    }
}
