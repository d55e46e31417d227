package dev.tursosync.internal.wal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

/**
 * An independent, deliberately plain encoder of WAL files straight from the file-format document, used to build
 * synthetic logs for the scanner and to cross-check the production checksum code.
 */
final class TestWal {

    private TestWal() {
    }

    /** A WAL file image: header plus the given frames (their commitSize is written as given). */
    static byte[] build(boolean bigEndian, int pageSize, int checkpointSequence, int salt1, int salt2,
                        List<WalFrame> frames) {
        ByteBuffer out = ByteBuffer.allocate(32 + frames.size() * (24 + pageSize));   // big-endian by default
        out.putInt(bigEndian ? 0x377f0683 : 0x377f0682).putInt(3007000).putInt(pageSize)
                .putInt(checkpointSequence).putInt(salt1).putInt(salt2);
        int[] sum = checksum(bigEndian, Arrays.copyOfRange(out.array(), 0, 24), new int[2]);
        out.putInt(sum[0]).putInt(sum[1]);
        for (WalFrame frame : frames) {
            byte[] head = ByteBuffer.allocate(8).putInt(frame.pageNumber()).putInt(frame.commitSize()).array();
            sum = checksum(bigEndian, head, sum);
            sum = checksum(bigEndian, frame.page(), sum);
            out.put(head).putInt(salt1).putInt(salt2).putInt(sum[0]).putInt(sum[1]).put(frame.page());
        }
        return out.array();
    }

    private static int[] checksum(boolean bigEndian, byte[] data, int[] start) {
        ByteBuffer words = ByteBuffer.wrap(data).order(bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        int s0 = start[0];
        int s1 = start[1];
        while (words.hasRemaining()) {
            s0 += words.getInt() + s1;
            s1 += words.getInt() + s0;
        }
        return new int[] {s0, s1};
    }

    /** A recognisable page: every byte derived from the page number and a version. */
    static byte[] page(int pageSize, int pageNumber, int version) {
        byte[] page = new byte[pageSize];
        fill(page, pageNumber, version);
        return page;
    }

    static void fill(byte[] page, int pageNumber, int version) {
        int x = pageNumber * 31 + version * 1_000_003;
        for (int i = 0; i < page.length; i++) {
            x = x * 1_103_515_245 + 12_345;
            page[i] = (byte) (x >>> 24);
        }
    }

    static WalFrame frame(int pageSize, int pageNumber, int commitSize, int version) {
        return new WalFrame(pageNumber, commitSize, page(pageSize, pageNumber, version));
    }

    static int frameSize(int pageSize) {
        return 24 + pageSize;
    }
}
