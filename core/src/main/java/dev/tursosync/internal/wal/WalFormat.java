package dev.tursosync.internal.wal;

import java.io.EOFException;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;

/** Constants and the checksum of the WAL format; shared by the scanner and the writer. */
final class WalFormat {

    /** Magic with checksums over little-endian words; the same with the low bit set means big-endian. */
    static final int MAGIC_LITTLE_ENDIAN = 0x377f0682;
    static final int MAGIC_BIG_ENDIAN = 0x377f0683;
    static final int VERSION = 3007000;
    static final int HEADER_SIZE = 32;
    static final int FRAME_HEADER_SIZE = 24;
    /** Bytes read or written per I/O call at most (rounded to whole frames, at least one frame). */
    static final int IO_CHUNK = 256 * 1024;

    private static final VarHandle BIG = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LITTLE =
            MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private WalFormat() {
    }

    static boolean isValidPageSize(int pageSize) {
        return pageSize >= 512 && pageSize <= 65536 && Integer.bitCount(pageSize) == 1;
    }

    static boolean isWalMagic(int magic) {
        return (magic & ~1) == MAGIC_LITTLE_ENDIAN;
    }

    static int frameSize(int pageSize) {
        return FRAME_HEADER_SIZE + pageSize;
    }

    static int framesPerChunk(int pageSize) {
        return Math.max(1, IO_CHUNK / frameSize(pageSize));
    }

    /** Reads a big-endian int, the byte order of every stored WAL field. */
    static int getInt(byte[] data, int offset) {
        return (int) BIG.get(data, offset);
    }

    static void putInt(byte[] data, int offset, int value) {
        BIG.set(data, offset, value);
    }

    /**
     * Continues the WAL checksum over {@code data[offset, offset + length)}, per the file format: for each pair of
     * 32-bit words x0, x1 (read in the WAL's checksum byte order) {@code s0 += x0 + s1; s1 += x1 + s0}.
     *
     * @param running the checksum so far, packed by {@link #pack}; {@code 0} to start
     * @return the new checksum, packed
     */
    static long checksum(byte[] data, int offset, int length, boolean bigEndian, long running) {
        if ((length & 7) != 0) {
            throw new IllegalArgumentException("checksummed length must be a multiple of 8: " + length);
        }
        VarHandle words = bigEndian ? BIG : LITTLE;
        int s0 = high(running);
        int s1 = low(running);
        for (int i = offset, end = offset + length; i < end; i += 8) {
            s0 += (int) words.get(data, i) + s1;
            s1 += (int) words.get(data, i + 4) + s0;
        }
        return pack(s0, s1);
    }

    static long pack(int s0, int s1) {
        return ((long) s0 << 32) | (s1 & 0xFFFF_FFFFL);
    }

    static int high(long packed) {
        return (int) (packed >>> 32);
    }

    static int low(long packed) {
        return (int) packed;
    }

    static void readFully(FileChannel channel, byte[] into, int length, long position) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(into, 0, length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new EOFException("unexpected end of file at " + (position + buffer.position()));
            }
        }
    }

    static void writeFully(FileChannel channel, byte[] from, int length, long position) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(from, 0, length);
        while (buffer.hasRemaining()) {
            channel.write(buffer, position + buffer.position());
        }
    }
}
