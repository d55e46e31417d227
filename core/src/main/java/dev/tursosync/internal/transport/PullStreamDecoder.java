package dev.tursosync.internal.transport;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.tursosync.SyncProtocolException;
import dev.tursosync.SyncTransportException;
import dev.tursosync.internal.proto.PageData;
import dev.tursosync.internal.proto.PullUpdatesRespProtoBody;
import dev.tursosync.internal.proto.PullUpdatesStreamKind;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes a {@code /pull-updates} reply incrementally, chunk by chunk as it arrives: a varint length prefix, then the
 * message, first the header and then one {@link PageData} per page.
 *
 * <p>Memory stays bounded: the decoder holds at most one incomplete message plus one chunk, and it rejects a length
 * prefix above {@link #MAX_MESSAGE_BYTES} before reading the message. Not thread-safe: one decoder per reply.
 */
final class PullStreamDecoder {

    /** The largest message accepted; a page message is about 4.1 KB. */
    static final int MAX_MESSAGE_BYTES = 1 << 20;

    private static final int MAX_VARINT_BYTES = 5;
    private static final long MAX_PAGE_ID = 0xFFFF_FFFEL;

    private byte[] buffer = new byte[16 * 1024];
    private int start;
    private int end;
    private boolean headerSeen;

    /**
     * Feeds the next chunk of the body, straight from the network buffer: its readable bytes are copied once, into
     * the decoder's own buffer, and the chunk's indexes are left as they were (its owner releases it).
     *
     * @param chunk the bytes
     * @return the frames completed by this chunk, possibly none
     * @throws SyncProtocolException if the stream is malformed
     */
    List<PullFrame> decode(ByteBuf chunk) {
        append(chunk);
        List<PullFrame> frames = new ArrayList<>();
        while (true) {
            long prefix = readLengthPrefix();
            if (prefix < 0) {
                break;
            }
            int prefixBytes = (int) (prefix >>> 32);
            int length = (int) prefix;
            if (end - start < prefixBytes + length) {
                break;
            }
            frames.add(parse(start + prefixBytes, length));
            start += prefixBytes + length;
        }
        return frames;
    }

    /**
     * Checks that the body ended on a message boundary after a header.
     *
     * @throws SyncTransportException if the body was empty or ended inside a message: a reply cut short, which a
     *                                retry of the pull can cure
     */
    void finish() {
        if (end > start) {
            throw new SyncTransportException("the pull-updates reply ended in the middle of a message ("
                    + (end - start) + " bytes of an incomplete message)", null);
        }
        if (!headerSeen) {
            throw new SyncTransportException("the pull-updates reply ended before its header", null);
        }
    }

    /**
     * Reads the varint at {@code start}.
     *
     * @return {@code (prefixBytes << 32) | length}, or -1 if more bytes are needed
     */
    private long readLengthPrefix() {
        long length = 0;
        for (int i = 0; i < MAX_VARINT_BYTES; i++) {
            if (start + i >= end) {
                return -1;
            }
            int b = buffer[start + i] & 0xFF;
            length |= (long) (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                if (length > MAX_MESSAGE_BYTES) {
                    throw new SyncProtocolException("a pull-updates message claims " + length
                            + " bytes, more than the limit of " + MAX_MESSAGE_BYTES);
                }
                return ((long) (i + 1) << 32) | length;
            }
        }
        throw new SyncProtocolException("malformed length prefix in the pull-updates reply: a varint longer than "
                + MAX_VARINT_BYTES + " bytes");
    }

    private PullFrame parse(int offset, int length) {
        ByteBuffer message = ByteBuffer.wrap(buffer, offset, length);
        try {
            if (!headerSeen) {
                headerSeen = true;
                return validate(PullUpdatesRespProtoBody.parseFrom(message));
            }
            return validate(PageData.parseFrom(message));
        } catch (InvalidProtocolBufferException e) {
            throw new SyncProtocolException("malformed protobuf in the pull-updates reply: " + e.getMessage(), e);
        }
    }

    private static PullHeader validate(PullUpdatesRespProtoBody header) {
        if (header.hasZstdEncoding()) {
            throw new SyncProtocolException("the server sent zstd-encoded pages, which this client did not ask for");
        }
        if (!header.hasRawEncoding()) {
            throw new SyncProtocolException("the pull-updates header names no page encoding");
        }
        if (header.getStreamKind() != PullUpdatesStreamKind.STREAM_KIND_PAGES) {
            throw new SyncProtocolException("the server sent a " + header.getStreamKind()
                    + " stream where pages were expected");
        }
        return new PullHeader(header);
    }

    private static PulledPage validate(PageData page) {
        int size = page.getEncodedPage().size();
        if (size != PulledPage.PAGE_SIZE) {
            throw new SyncProtocolException("page id " + Long.toUnsignedString(page.getPageId()) + " has " + size
                    + " bytes, expected " + PulledPage.PAGE_SIZE);
        }
        if (Long.compareUnsigned(page.getPageId(), MAX_PAGE_ID) > 0) {
            throw new SyncProtocolException("page id " + Long.toUnsignedString(page.getPageId())
                    + " is beyond SQLite's largest page number");
        }
        return new PulledPage(page.getPageId(), page.getEncodedPage());
    }

    private void append(ByteBuf chunk) {
        int length = chunk.readableBytes();
        int pending = end - start;
        if (buffer.length - end < length) {
            byte[] target = buffer.length - pending >= length
                    ? buffer
                    : new byte[Math.max(buffer.length * 2, pending + length)];
            System.arraycopy(buffer, start, target, 0, pending);
            buffer = target;
            start = 0;
            end = pending;
        }
        chunk.getBytes(chunk.readerIndex(), buffer, end, length);
        end += length;
    }
}
