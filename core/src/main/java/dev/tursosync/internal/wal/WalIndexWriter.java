package dev.tursosync.internal.wal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Adds a transaction appended by {@link WalWriter} to SQLite's WAL index (the {@code -shm} file) exactly as SQLite's
 * own {@code walIndexAppend} and {@code walIndexWriteHdr} would have, so that connections kept open across the append
 * see its frames at their next read transaction (the index header changed, so they drop their page cache) and no
 * connection has to rebuild the index from the whole WAL.
 *
 * <p>The format (sqlite.org/walformat.html, SQLite's {@code wal.c}), all integers in the machine's byte order: the
 * 136-byte header holds two copies of the 48-byte {@code WalIndexHdr} (version, unused, change counter, isInit,
 * big-endian checksums flag, page size, {@code mxFrame}, {@code nPage}, the last commit frame's checksum, the WAL's
 * salts as stored, and a checksum over the first 40 bytes), then the 40-byte {@code WalCkptInfo}, which stays as it
 * is. Then, per 32 KiB block, the page numbers of the block's frames (4062 in the first block, after the header,
 * 4096 in the others) and a table of 8192 two-byte slots, hashed by {@code (page * 383) & 8191} with linear probing,
 * holding each frame's 1-based index within the block.
 *
 * <p>It refuses (returns {@code false}, writes nothing) unless the index is exactly the one of the WAL before the
 * append: both header copies equal and valid, initialized, with the WAL's page size, checksum order and salts, and
 * {@code mxFrame} the frame before the first one appended. The caller then takes the old way: every connection
 * closed and the {@code -shm} file deleted, for the next opener to rebuild it.
 *
 * <p><b>Preconditions:</b> no transaction is open on any connection of the database (in any process), and the
 * channel on {@code -shm} is closed only after every connection of the process: closing a handle on it drops the
 * process's POSIX locks on it (sqlite-lab Q8). <b>Crash safety:</b> the index is not durable and SQLite never trusts
 * it across a crash: the first connection after every connection closed truncates and rebuilds it from the WAL, so a
 * crash at any point of this write leaves nothing behind.
 */
public final class WalIndexWriter {

    static final int HEADER_BYTES = 136;
    private static final int HDR_COPY_BYTES = 48;
    private static final int HDR_CHECKSUMMED_BYTES = 40;
    private static final int BLOCK_BYTES = 32768;
    private static final int PAGES_PER_BLOCK = 4096;
    private static final int PAGES_IN_FIRST_BLOCK = PAGES_PER_BLOCK - HEADER_BYTES / 4;
    private static final int HASH_SLOTS = 8192;
    private static final int HASH_OFFSET = PAGES_PER_BLOCK * 4;
    private static final int INDEX_VERSION = 3007000;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    private WalIndexWriter() {
    }

    /**
     * Adds the appended transaction to the index.
     *
     * @param shm      a read-write channel on the {@code -shm} file that stays open until every connection closed
     * @param appended what {@link WalWriter} appended, to a WAL that no connection has written since
     * @return whether the index now holds the transaction; {@code false} if the index was not the WAL's before the
     *         append (nothing was written then)
     * @throws UncheckedIOException if reading or writing fails (the index may then be half written: close every
     *                              connection and drop it)
     */
    public static boolean append(FileChannel shm, WalAppend appended) {
        if (appended.newHeader()) {
            return false;
        }
        try {
            Frames frames = Frames.read(appended);
            ByteBuffer header = read(shm, 0, HEADER_BYTES);
            if (header == null || !matches(header, frames, appended.firstFrame() - 1)) {
                return false;
            }
            index(shm, appended.firstFrame() - 1, appended.firstFrame(), frames.pageNumbers);
            writeHeader(shm, header, appended, frames);
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot update the WAL index of " + appended.file(), e);
        }
    }

    /** The appended frames' page numbers, the WAL header and the last frame's checksum, read back from the WAL. */
    private record Frames(WalHeader header, int[] pageNumbers, int checksum1, int checksum2) {

        static Frames read(WalAppend appended) throws IOException {
            try (FileChannel wal = FileChannel.open(appended.file(), StandardOpenOption.READ)) {
                byte[] head = new byte[WalFormat.HEADER_SIZE];
                WalFormat.readFully(wal, head, head.length, 0);
                WalHeader header = new WalHeader(WalFormat.getInt(head, 0), WalFormat.getInt(head, 4),
                        WalFormat.getInt(head, 8), WalFormat.getInt(head, 12), WalFormat.getInt(head, 16),
                        WalFormat.getInt(head, 20), WalFormat.getInt(head, 24), WalFormat.getInt(head, 28));
                int frameSize = WalFormat.frameSize(header.pageSize());
                int[] pages = new int[appended.frameCount()];
                byte[] frameHeader = new byte[WalFormat.FRAME_HEADER_SIZE];
                for (int i = 0; i < pages.length; i++) {
                    WalFormat.readFully(wal, frameHeader, frameHeader.length, appended.startOffset()
                            + (long) i * frameSize);
                    pages[i] = WalFormat.getInt(frameHeader, 0);
                }
                return new Frames(header, pages, WalFormat.getInt(frameHeader, 16),
                        WalFormat.getInt(frameHeader, 20));
            }
        }
    }

    /** Whether the index header is valid, agrees with the WAL and ends where the append begins. */
    private static boolean matches(ByteBuffer header, Frames frames, int mxFrameBefore) {
        for (int i = 0; i < HDR_COPY_BYTES; i++) {
            if (header.get(i) != header.get(HDR_COPY_BYTES + i)) {
                return false;
            }
        }
        long checksum = checksum(header);
        WalHeader wal = frames.header();
        return header.getInt(0) == INDEX_VERSION
                && header.get(12) == 1
                && header.get(13) == (wal.bigEndianChecksums() ? 1 : 0)
                && (header.getShort(14) & 0xffff) == encodedPageSize(wal.pageSize())
                && header.getInt(16) == mxFrameBefore
                && header.order(ByteOrder.BIG_ENDIAN).getInt(32) == wal.salt1()
                && header.getInt(36) == wal.salt2()
                && header.order(NATIVE).getInt(40) == WalFormat.high(checksum)
                && header.getInt(44) == WalFormat.low(checksum);
    }

    /**
     * Adds the frames to the page-number arrays and hash tables, block by block, after removing what an unfinished
     * transaction left beyond {@code mxFrame} (as {@code walCleanupHash}); a block's first frame clears the block.
     */
    private static void index(FileChannel shm, int mxFrame, int firstFrame, int[] pageNumbers) throws IOException {
        int frame = firstFrame;
        boolean cleaned = mxFrame == 0;
        while (frame < firstFrame + pageNumbers.length) {
            int block = blockOf(frame);
            int zero = block == 0 ? 0 : PAGES_IN_FIRST_BLOCK + (block - 1) * PAGES_PER_BLOCK;
            int capacity = block == 0 ? PAGES_IN_FIRST_BLOCK : PAGES_PER_BLOCK;
            int pagesAt = block == 0 ? HEADER_BYTES : 0;
            ByteBuffer data = read(shm, (long) block * BLOCK_BYTES, BLOCK_BYTES);
            if (data == null) {
                data = ByteBuffer.allocate(BLOCK_BYTES).order(NATIVE);
            }
            if (!cleaned && blockOf(mxFrame) == block) {
                cleanup(data, pagesAt, capacity, mxFrame - zero);
            }
            cleaned = true;
            int last = Math.min(firstFrame + pageNumbers.length - 1, zero + capacity);
            for (; frame <= last; frame++) {
                int idx = frame - zero;
                if (idx == 1) {
                    for (int at = pagesAt; at < BLOCK_BYTES; at++) {
                        data.put(at, (byte) 0);
                    }
                }
                int page = pageNumbers[frame - firstFrame];
                int slot = (page * 383) & (HASH_SLOTS - 1);
                int collisions = idx;
                while (data.getShort(HASH_OFFSET + slot * 2) != 0) {
                    if (collisions-- == 0) {
                        throw new IllegalStateException("the WAL index's hash table of block " + block + " is full");
                    }
                    slot = (slot + 1) & (HASH_SLOTS - 1);
                }
                data.putInt(pagesAt + (idx - 1) * 4, page);
                data.putShort(HASH_OFFSET + slot * 2, (short) idx);
            }
            if (block == 0) {
                write(shm, data.slice(HEADER_BYTES, BLOCK_BYTES - HEADER_BYTES), HEADER_BYTES);
            } else {
                write(shm, data, (long) block * BLOCK_BYTES);
            }
        }
    }

    /** Drops the hash entries of frames beyond {@code limit} (block-relative) and zeroes their page numbers. */
    private static void cleanup(ByteBuffer data, int pagesAt, int capacity, int limit) {
        for (int slot = 0; slot < HASH_SLOTS; slot++) {
            if ((data.getShort(HASH_OFFSET + slot * 2) & 0xffff) > limit) {
                data.putShort(HASH_OFFSET + slot * 2, (short) 0);
            }
        }
        for (int idx = limit + 1; idx <= capacity; idx++) {
            data.putInt(pagesAt + (idx - 1) * 4, 0);
        }
    }

    /** Both header copies: the new frame count, size and checksum, the change counter moved on, checksummed. */
    private static void writeHeader(FileChannel shm, ByteBuffer header, WalAppend appended, Frames frames)
            throws IOException {
        ByteBuffer copy = ByteBuffer.allocate(HDR_COPY_BYTES * 2).order(NATIVE);
        for (int i = 0; i < HDR_COPY_BYTES; i++) {
            copy.put(i, header.get(i));
        }
        copy.putInt(8, copy.getInt(8) + 1);
        copy.putInt(16, appended.lastFrame());
        copy.putInt(20, appended.dbSizePages());
        copy.putInt(24, frames.checksum1());
        copy.putInt(28, frames.checksum2());
        long checksum = checksum(copy);
        copy.putInt(40, WalFormat.high(checksum));
        copy.putInt(44, WalFormat.low(checksum));
        for (int i = 0; i < HDR_COPY_BYTES; i++) {
            copy.put(HDR_COPY_BYTES + i, copy.get(i));
        }
        // as walIndexWriteHdr: the second copy first, then the first
        write(shm, copy.slice(HDR_COPY_BYTES, HDR_COPY_BYTES), HDR_COPY_BYTES);
        write(shm, copy.slice(0, HDR_COPY_BYTES), 0);
    }

    /** The header checksum: the WAL checksum over the first 40 bytes read as native integers. */
    private static long checksum(ByteBuffer header) {
        byte[] bytes = new byte[HDR_CHECKSUMMED_BYTES];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = header.get(i);
        }
        return WalFormat.checksum(bytes, 0, bytes.length, NATIVE == ByteOrder.BIG_ENDIAN, 0);
    }

    /** The page size as the index stores it in 16 bits (65536 as 1). */
    static int encodedPageSize(int pageSize) {
        return (pageSize & 0xff00) | (pageSize >>> 16);
    }

    /** The 32 KiB block that indexes a frame (1-based). */
    static int blockOf(int frame) {
        return (frame + PAGES_PER_BLOCK - PAGES_IN_FIRST_BLOCK - 1) / PAGES_PER_BLOCK;
    }

    /** Reads {@code length} bytes, or {@code null} if the file is shorter than that. */
    private static ByteBuffer read(FileChannel shm, long position, int length) throws IOException {
        if (shm.size() < position + length) {
            return null;
        }
        ByteBuffer buffer = ByteBuffer.allocate(length).order(NATIVE);
        while (buffer.hasRemaining()) {
            if (shm.read(buffer, position + buffer.position()) < 0) {
                return null;
            }
        }
        return buffer.clear();
    }

    private static void write(FileChannel shm, ByteBuffer data, long position) throws IOException {
        ByteBuffer from = data.duplicate().clear();
        while (from.hasRemaining()) {
            shm.write(from, position + from.position());
        }
    }

    /**
     * Opens a channel on a database's {@code -shm} for {@link #append}; keep it open until every connection closed.
     *
     * @param shm the {@code -shm} file
     * @return the channel
     * @throws IOException if it cannot be opened (it is never created here)
     */
    public static FileChannel open(Path shm) throws IOException {
        return FileChannel.open(shm, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }
}
