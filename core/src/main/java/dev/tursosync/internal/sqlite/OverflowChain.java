package dev.tursosync.internal.sqlite;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Payload spilling: how much of a cell's payload stays on the b-tree page, and the linked list of overflow pages
 * that holds the rest (each overflow page: 4-byte next page number, 0 on the last page, then {@code U - 4} bytes of
 * payload).
 */
public final class OverflowChain {

    /** The largest payload this decoder assembles (the largest Java array, just below SQLite's 2^31 - 1 limit). */
    public static final long MAX_PAYLOAD_SIZE = Integer.MAX_VALUE - 8;

    private OverflowChain() {
    }

    /**
     * The number of payload bytes a table b-tree leaf cell keeps on its page: with {@code X = U - 35},
     * {@code M = ((U - 12) * 32 / 255) - 23} and {@code K = M + ((P - M) % (U - 4))}, it is {@code P} if
     * {@code P <= X}, else {@code K} if {@code K <= X}, else {@code M}.
     *
     * @param payloadSize the total payload size P
     * @param usableSize  the usable page size U
     * @return the local payload size
     */
    public static int localPayloadSizeOfTableLeaf(long payloadSize, int usableSize) {
        return localPayloadSize(payloadSize, usableSize, usableSize - 35);
    }

    /**
     * The number of payload bytes an index b-tree cell (leaf or interior) keeps on its page: as for table leaves
     * but with {@code X = ((U - 12) * 64 / 255) - 23}.
     *
     * @param payloadSize the total payload size P
     * @param usableSize  the usable page size U
     * @return the local payload size
     */
    public static int localPayloadSizeOfIndex(long payloadSize, int usableSize) {
        return localPayloadSize(payloadSize, usableSize, ((usableSize - 12) * 64 / 255) - 23);
    }

    /**
     * How many overflow pages hold the part of a payload that is not on the b-tree page.
     *
     * @param payloadSize      the total payload size P
     * @param localPayloadSize the bytes kept on the b-tree page
     * @param usableSize       the usable page size U
     * @return {@code ceil((P - local) / (U - 4))}
     */
    public static long overflowPageCount(long payloadSize, int localPayloadSize, int usableSize) {
        long spilled = payloadSize - localPayloadSize;
        long perPage = usableSize - 4L;
        return spilled <= 0 ? 0 : (spilled + perPage - 1) / perPage;
    }

    private static int localPayloadSize(long payloadSize, int usableSize, int maxLocal) {
        if (payloadSize < 0) {
            throw new SqliteFormatException("negative payload size " + payloadSize);
        }
        if (payloadSize <= maxLocal) {
            return (int) payloadSize;
        }
        int minLocal = ((usableSize - 12) * 32 / 255) - 23;
        long k = minLocal + ((payloadSize - minLocal) % (usableSize - 4));
        return k <= maxLocal ? (int) k : minLocal;
    }

    /** An assembled payload and the overflow pages it came from, in chain order. */
    record Assembled(byte[] payload, List<Long> pages) {
    }

    /**
     * Follows an overflow chain.
     *
     * @param source       where overflow pages are read
     * @param firstPage    the first overflow page
     * @param local        the page holding the local part
     * @param localOffset  where the local part starts
     * @param localSize    its length
     * @param payloadSize  the total payload size
     * @param usableSize   the usable page size
     * @param copyPayload  whether to assemble the payload (false: only list the pages)
     */
    static Assembled follow(PageSource source, long firstPage, byte[] local, int localOffset, int localSize,
                            long payloadSize, int usableSize, boolean copyPayload) {
        if (payloadSize > MAX_PAYLOAD_SIZE) {
            throw new SqliteFormatException("payload of " + payloadSize + " bytes is too large");
        }
        int perPage = usableSize - 4;
        long expectedPages = overflowPageCount(payloadSize, localSize, usableSize);
        byte[] out = null;
        if (copyPayload) {
            // grown as pages arrive, so a corrupt size field cannot force a huge allocation up front
            out = new byte[(int) Math.min(payloadSize, localSize + 64L * perPage)];
            System.arraycopy(local, localOffset, out, 0, localSize);
        }
        List<Long> pages = new ArrayList<>((int) Math.min(expectedPages, 1024));
        Set<Long> visited = new HashSet<>();
        long remaining = payloadSize - localSize;
        int written = localSize;
        long page = firstPage;
        while (remaining > 0) {
            if (page == 0) {
                throw new SqliteFormatException("overflow chain ends after " + pages.size() + " of " + expectedPages
                        + " pages");
            }
            if (!visited.add(page)) {
                throw new SqliteFormatException("overflow chain revisits page " + page);
            }
            byte[] image = source.page(page);
            if (image == null) {
                throw new SqliteFormatException("overflow page " + page + " is missing");
            }
            if (image.length < usableSize) {
                throw new SqliteFormatException("overflow page " + page + " has only " + image.length + " bytes");
            }
            pages.add(page);
            int chunk = (int) Math.min(remaining, perPage);
            if (out != null) {
                if (written + chunk > out.length) {
                    out = Arrays.copyOf(out, (int) Math.min(payloadSize, Math.max(written + (long) chunk,
                            2L * out.length)));
                }
                System.arraycopy(image, 4, out, written, chunk);
            }
            written += chunk;
            remaining -= chunk;
            page = DatabaseHeader.u32(image, 0);
        }
        if (page != 0) {
            throw new SqliteFormatException("overflow chain continues to page " + page + " after its "
                    + expectedPages + " pages");
        }
        return new Assembled(out, List.copyOf(pages));
    }
}
