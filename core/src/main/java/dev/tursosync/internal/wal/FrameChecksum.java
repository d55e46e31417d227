package dev.tursosync.internal.wal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The WAL checksum of whole frames (the first 8 bytes of the frame header, then the page), the same value as
 * {@link WalFormat#checksum} over those bytes, in a quarter of its dependent steps.
 *
 * <p>The format's step over a pair of words x0, x1, {@code s0 += x0 + s1; s1 += x1 + s0}, is linear modulo 2^32:
 * {@code (s0, s1) <- M (s0, s1) + (x0, x0 + x1)} with {@code M = [[1, 1], [1, 2]]}. So the checksum of n pairs
 * continued from a running value S is {@code M^n S} plus their checksum started from zero. The page is cut into four
 * quarters whose checksums from zero are computed side by side in one loop (four independent chains the processor
 * overlaps, where the format's single chain waits on each addition), then joined in order with {@code M^(n/4)}.
 * Java's {@code int} arithmetic wraps modulo 2^32 as the format's unsigned 32-bit sums do, so the result is exact:
 * a frame passes here exactly when it passes the format's checksum.
 */
final class FrameChecksum {

    private static final int LANES = 4;
    private static final VarHandle LITTLE =
            MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private final int pageSize;
    private final int quarter;
    private final boolean bigEndian;
    // M^(pairs in a quarter of a page), row by row
    private final int m00;
    private final int m01;
    private final int m10;
    private final int m11;

    /**
     * The checksum of one log's frames.
     *
     * @param pageSize  the log's page size, a power of two of at least 512 bytes
     * @param bigEndian whether the log's checksums read big-endian words
     */
    FrameChecksum(int pageSize, boolean bigEndian) {
        if (!WalFormat.isValidPageSize(pageSize)) {
            throw new IllegalArgumentException("not a WAL page size: " + pageSize);
        }
        this.pageSize = pageSize;
        this.quarter = pageSize / LANES;
        this.bigEndian = bigEndian;
        int[] power = power(quarter / 8);
        this.m00 = power[0];
        this.m01 = power[1];
        this.m10 = power[2];
        this.m11 = power[3];
    }

    /** {@code M^n} by squaring, modulo 2^32, as {a, b, c, d} for {@code [[a, b], [c, d]]}. */
    private static int[] power(int n) {
        int[] result = {1, 0, 0, 1};
        int[] base = {1, 1, 1, 2};
        for (int k = n; k > 0; k >>>= 1) {
            if ((k & 1) != 0) {
                result = multiply(result, base);
            }
            base = multiply(base, base);
        }
        return result;
    }

    private static int[] multiply(int[] x, int[] y) {
        return new int[] {x[0] * y[0] + x[1] * y[2], x[0] * y[1] + x[1] * y[3],
                x[2] * y[0] + x[3] * y[2], x[2] * y[1] + x[3] * y[3]};
    }

    /**
     * Continues the checksum over one frame: bytes {@code [frame, frame + 8)} of its header, then its page at
     * {@code frame + 24}.
     *
     * @param data    the bytes holding the whole frame
     * @param frame   where the frame starts
     * @param running the checksum so far, packed by {@link WalFormat#pack}
     * @return the checksum after the frame, packed
     */
    long continueOverFrame(byte[] data, int frame, long running) {
        long afterHeader = WalFormat.checksum(data, frame, 8, bigEndian, running);
        int page = frame + WalFormat.FRAME_HEADER_SIZE;
        if (page + pageSize > data.length) {
            throw new IndexOutOfBoundsException("frame at " + frame + " runs past " + data.length + " bytes");
        }
        int q = quarter;
        int a0 = 0;
        int a1 = 0;
        int b0 = 0;
        int b1 = 0;
        int c0 = 0;
        int c1 = 0;
        int d0 = 0;
        int d1 = 0;
        for (int i = page, end = page + q; i < end; i += 8) {
            a0 += word(data, i) + a1;
            a1 += word(data, i + 4) + a0;
            b0 += word(data, i + q) + b1;
            b1 += word(data, i + q + 4) + b0;
            c0 += word(data, i + 2 * q) + c1;
            c1 += word(data, i + 2 * q + 4) + c0;
            d0 += word(data, i + 3 * q) + d1;
            d1 += word(data, i + 3 * q + 4) + d0;
        }
        long joined = join(afterHeader, a0, a1);
        joined = join(joined, b0, b1);
        joined = join(joined, c0, c1);
        return join(joined, d0, d1);
    }

    private int word(byte[] data, int offset) {
        int word = (int) LITTLE.get(data, offset);
        return bigEndian ? Integer.reverseBytes(word) : word;
    }

    /** {@code M^(n/4) S + (x0, x1)}: the checksum S continued over a quarter whose checksum from zero is (x0, x1). */
    private long join(long running, int x0, int x1) {
        int s0 = WalFormat.high(running);
        int s1 = WalFormat.low(running);
        return WalFormat.pack(m00 * s0 + m01 * s1 + x0, m10 * s0 + m11 * s1 + x1);
    }
}
