package dev.tursosync.client;

import com.google.protobuf.ByteString;
import dev.tursosync.internal.proto.PageData;
import dev.tursosync.internal.proto.PullUpdatesRespProtoBody;
import dev.tursosync.internal.sqlite.BTreePage;
import dev.tursosync.internal.sqlite.PageType;
import dev.tursosync.internal.sqlite.SqliteFormatException;
import dev.tursosync.internal.sqlite.TableLeafCell;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A decoded {@code /pull-updates} reply that an attack can edit: the header and the pages in stream order (page
 * numbers 1-based), encoded back into the length-prefixed stream.
 */
final class PullReply {

    static final int PAGE_SIZE = 4096;

    PullUpdatesRespProtoBody.Builder header;
    /** Page number (1-based; may be edited to anything) to image, in stream order. */
    final List<long[]> order = new ArrayList<>();
    final List<byte[]> images = new ArrayList<>();

    static PullReply decode(byte[] body) {
        try {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            PullReply reply = new PullReply();
            reply.header = PullUpdatesRespProtoBody.parseDelimitedFrom(in).toBuilder();
            PageData page;
            while ((page = PageData.parseDelimitedFrom(in)) != null) {
                reply.order.add(new long[] {page.getPageId() + 1});
                reply.images.add(page.getEncodedPage().toByteArray());
            }
            return reply;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    byte[] encode() {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            header.build().writeDelimitedTo(out);
            for (int i = 0; i < order.size(); i++) {
                PageData.newBuilder().setPageId(order.get(i)[0] - 1).setEncodedPage(ByteString.copyFrom(images.get(i)))
                        .build().writeDelimitedTo(out);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    long dbSize() {
        return header.getDbSize();
    }

    int size() {
        return order.size();
    }

    long number(int index) {
        return order.get(index)[0];
    }

    /** The pages by number (the last copy wins). */
    Map<Long, byte[]> pages() {
        Map<Long, byte[]> pages = new LinkedHashMap<>();
        for (int i = 0; i < order.size(); i++) {
            pages.put(number(i), images.get(i));
        }
        return pages;
    }

    /** The image of a page, to edit in place. */
    byte[] image(long pageNumber) {
        for (int i = order.size() - 1; i >= 0; i--) {
            if (number(i) == pageNumber) {
                return images.get(i);
            }
        }
        throw new IllegalStateException("page " + pageNumber + " is not in the reply");
    }

    int indexOf(long pageNumber) {
        for (int i = 0; i < order.size(); i++) {
            if (number(i) == pageNumber) {
                return i;
            }
        }
        return -1;
    }

    /** The first received page (other than page 1) of a type that parses, at or above {@code minPage}. */
    Optional<Long> firstOfType(PageType type, long minPage) {
        for (int i = 0; i < order.size(); i++) {
            long page = number(i);
            if (page == 1 || page < minPage) {
                continue;
            }
            byte[] image = images.get(i);
            if ((image[0] & 0xff) == type.flag() && parses(page, image)) {
                return Optional.of(page);
            }
        }
        return Optional.empty();
    }

    /** The received page (other than page 1) of a type, with at least some cells, that parses with the highest
     *  number. */
    Optional<Long> highestOfType(PageType type, int minCells) {
        long found = -1;
        for (int i = 0; i < order.size(); i++) {
            long page = number(i);
            byte[] image = images.get(i);
            if (page > found && page != 1 && (image[0] & 0xff) == type.flag() && parses(page, image)
                    && BTreePage.parse(page, image, PAGE_SIZE).cellCount() >= minCells) {
                found = page;
            }
        }
        return found < 0 ? Optional.empty() : Optional.of(found);
    }

    /** A received table leaf with a cell whose overflow chain starts on a received page: {leaf, cell, first}. */
    Optional<long[]> overflowCell() {
        for (int i = 0; i < order.size(); i++) {
            long page = number(i);
            byte[] image = images.get(i);
            if (page == 1 || (image[0] & 0xff) != PageType.LEAF_TABLE.flag() || !parses(page, image)) {
                continue;
            }
            BTreePage leaf = BTreePage.parse(page, image, PAGE_SIZE);
            for (int cell = 0; cell < leaf.cellCount(); cell++) {
                TableLeafCell parsed = leaf.tableLeafCell(cell);
                if (parsed.hasOverflow() && indexOf(parsed.firstOverflowPage()) >= 0) {
                    return Optional.of(new long[] {page, cell, parsed.firstOverflowPage()});
                }
            }
        }
        return Optional.empty();
    }

    /** The received overflow pages of a chain, in order, starting at {@code first}. */
    List<Long> chain(long first) {
        List<Long> chain = new ArrayList<>();
        for (long page = first; page != 0 && indexOf(page) >= 0 && chain.size() < 10_000; ) {
            chain.add(page);
            byte[] image = image(page);
            page = (image[0] & 0xffL) << 24 | (image[1] & 0xffL) << 16 | (image[2] & 0xffL) << 8 | (image[3] & 0xffL);
        }
        return chain;
    }

    private static boolean parses(long page, byte[] image) {
        try {
            BTreePage.parse(page, image, PAGE_SIZE);
            return true;
        } catch (SqliteFormatException e) {
            return false;
        }
    }

    static int u16(byte[] image, int offset) {
        return ((image[offset] & 0xff) << 8) | (image[offset + 1] & 0xff);
    }

    static void u16(byte[] image, int offset, int value) {
        image[offset] = (byte) (value >>> 8);
        image[offset + 1] = (byte) value;
    }

    static void u32(byte[] image, int offset, long value) {
        image[offset] = (byte) (value >>> 24);
        image[offset + 1] = (byte) (value >>> 16);
        image[offset + 2] = (byte) (value >>> 8);
        image[offset + 3] = (byte) value;
    }
}
