package dev.tursosync.internal.transport;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;

/**
 * One page image of a page stream.
 *
 * @param pageId the 0-based page id (SQLite page number minus one)
 * @param data   the 4096-byte page image
 */
public record PulledPage(long pageId, ByteString data) implements PullFrame {

    /** SQLite page size used by the sync protocol. */
    public static final int PAGE_SIZE = 4096;

    /**
     * The 1-based SQLite page number.
     *
     * @return {@code pageId + 1}
     */
    public long pageNumber() {
        return pageId + 1;
    }

    /**
     * The byte offset of this page in the database file.
     *
     * @return {@code pageId * 4096}
     */
    public long fileOffset() {
        return pageId * PAGE_SIZE;
    }

    /**
     * A read-only view of the page image.
     *
     * @return a buffer of 4096 bytes
     */
    public ByteBuffer buffer() {
        return data.asReadOnlyByteBuffer();
    }
}
