package dev.tursosync.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.tursosync.SyncProtocolException;
import dev.tursosync.SyncTransportException;
import dev.tursosync.internal.proto.PageData;
import dev.tursosync.internal.proto.PageSetRawEncodingProto;
import dev.tursosync.internal.proto.PageSetZstdEncodingProto;
import dev.tursosync.internal.proto.PullUpdatesRespProtoBody;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

final class PullStreamDecoderTests {

    /** Golden header from the reference server: revision "15", 8 pages, raw, protocol pages. */
    private static final byte[] GOLDEN_HEADER = HexFormat.of().parseHex("0a0a0231351008" + "1a004001");

    static byte[] page(int fill) {
        byte[] page = new byte[4096];
        Arrays.fill(page, (byte) fill);
        return page;
    }

    static byte[] stream(PullUpdatesRespProtoBody header, PageData... pages) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        header.writeDelimitedTo(out);
        for (PageData page : pages) {
            page.writeDelimitedTo(out);
        }
        return out.toByteArray();
    }

    static PullUpdatesRespProtoBody rawHeader(String revision, long dbSize) {
        return PullUpdatesRespProtoBody.newBuilder().setServerRevision(revision).setDbSize(dbSize)
                .setRawEncoding(PageSetRawEncodingProto.getDefaultInstance()).build();
    }

    static PageData pageData(long id, byte[] bytes) {
        return PageData.newBuilder().setPageId(id).setEncodedPage(ByteString.copyFrom(bytes)).build();
    }

    private static List<PullFrame> decodeInChunks(byte[] body, int chunkSize) {
        PullStreamDecoder decoder = new PullStreamDecoder();
        List<PullFrame> frames = new ArrayList<>();
        for (int offset = 0; offset < body.length; offset += chunkSize) {
            frames.addAll(decoder.decode(Unpooled.wrappedBuffer(body, offset,
                    Math.min(body.length, offset + chunkSize) - offset)));
        }
        decoder.finish();
        return frames;
    }

    @Test
    void decodesTheGoldenHeaderAndPageZeroWithoutAnIdField() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(GOLDEN_HEADER);
        body.write(HexFormat.of().parseHex("832012802" + "0"));
        body.write(page(7));
        body.write(HexFormat.of().parseHex("8520080512802" + "0"));
        body.write(page(9));

        List<PullFrame> frames = decodeInChunks(body.toByteArray(), 100_000);

        PullHeader header = (PullHeader) frames.get(0);
        assertThat(header.revision()).isEqualTo("15");
        assertThat(header.databaseSizePages()).isEqualTo(8);
        assertThat(frames.subList(1, 3)).extracting(frame -> ((PulledPage) frame).pageId()).containsExactly(0L, 5L);
        assertThat(((PulledPage) frames.get(2)).fileOffset()).isEqualTo(5 * 4096L);
        assertThat(((PulledPage) frames.get(2)).data().toByteArray()).isEqualTo(page(9));
    }

    @Test
    void anyChunkingYieldsTheSameFrames() throws IOException {
        byte[] body = stream(rawHeader("42", 3), pageData(2, page(1)), pageData(0, page(2)), pageData(1, page(3)));

        List<PullFrame> whole = decodeInChunks(body, body.length);
        for (int chunk : new int[] {1, 2, 3, 7, 4095, 4096, 4097, 4103, 8192}) {
            assertThat(decodeInChunks(body, chunk)).as("chunk size %d", chunk).isEqualTo(whole);
        }
        assertThat(whole).hasSize(4);
    }

    @Test
    void readsOnlyAChunksReadableBytesAndLeavesItsIndexesForItsOwner() throws IOException {
        byte[] body = stream(rawHeader("7", 1), pageData(0, page(5)));
        ByteBuf chunk = Unpooled.buffer(body.length + 20);
        chunk.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF}).writeBytes(body)
                .writeBytes(new byte[] {(byte) 0xFF});
        chunk.readerIndex(3).writerIndex(3 + body.length);
        PullStreamDecoder decoder = new PullStreamDecoder();

        List<PullFrame> frames = decoder.decode(chunk);
        decoder.finish();

        assertThat(frames).isEqualTo(decodeInChunks(body, body.length));
        assertThat(chunk.readerIndex()).isEqualTo(3);
        assertThat(chunk.writerIndex()).isEqualTo(3 + body.length);
    }

    @Test
    void aHeaderWithoutPagesIsAValidEmptyPull() throws IOException {
        List<PullFrame> frames = decodeInChunks(stream(rawHeader("0", 0)), 5);
        assertThat(frames).singleElement().isInstanceOf(PullHeader.class);
    }

    @Test
    void rejectsAStreamThatEndsInsideAMessage() throws IOException {
        byte[] body = stream(rawHeader("1", 1), pageData(0, page(1)));
        PullStreamDecoder decoder = new PullStreamDecoder();
        decoder.decode(Unpooled.wrappedBuffer(body, 0, body.length - 100));
        assertThatThrownBy(decoder::finish).isInstanceOf(SyncTransportException.class)
                .hasMessageContaining("ended in the middle of a message");
    }

    @Test
    void rejectsAnEmptyBody() {
        assertThatThrownBy(new PullStreamDecoder()::finish).isInstanceOf(SyncTransportException.class)
                .hasMessageContaining("before its header");
    }

    @Test
    void rejectsAVarintThatNeverEnds() {
        byte[] bad = new byte[12];
        Arrays.fill(bad, (byte) 0xFF);
        assertThatThrownBy(() -> new PullStreamDecoder().decode(Unpooled.wrappedBuffer(bad))).isInstanceOf(SyncProtocolException.class)
                .hasMessageContaining("malformed length prefix");
    }

    @Test
    void rejectsAnOversizedLengthBeforeBufferingIt() {
        // varint 0x40000000 (1 GiB)
        byte[] prefix = HexFormat.of().parseHex("8080808004");
        assertThatThrownBy(() -> new PullStreamDecoder().decode(Unpooled.wrappedBuffer(prefix))).isInstanceOf(SyncProtocolException.class)
                .hasMessageContaining("1073741824 bytes");
    }

    @Test
    void rejectsPagesThatAreNot4096Bytes() throws IOException {
        byte[] body = stream(rawHeader("1", 1), pageData(0, new byte[4095]));
        assertThatThrownBy(() -> decodeInChunks(body, 1000)).isInstanceOf(SyncProtocolException.class)
                .hasMessageContaining("4095 bytes, expected 4096");
    }

    @Test
    void rejectsZstdAndMissingEncodings() throws IOException {
        byte[] zstd = stream(PullUpdatesRespProtoBody.newBuilder().setServerRevision("1")
                .setZstdEncoding(PageSetZstdEncodingProto.getDefaultInstance()).build());
        assertThatThrownBy(() -> decodeInChunks(zstd, 100)).hasMessageContaining("zstd");
        byte[] none = stream(PullUpdatesRespProtoBody.newBuilder().setServerRevision("1").build());
        assertThatThrownBy(() -> decodeInChunks(none, 100)).hasMessageContaining("no page encoding");
    }

    @Test
    void rejectsGarbageProtobuf() {
        byte[] body = HexFormat.of().parseHex("04ffffffff");
        assertThatThrownBy(() -> decodeInChunks(body, 100)).isInstanceOf(SyncProtocolException.class)
                .hasMessageContaining("malformed protobuf");
    }
}
