package dev.tursosync.internal.wal;

import dev.tursosync.internal.wal.WalScan.HeaderStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Scans a {@code -wal} file the way SQLite's WAL recovery does, with memory bounded by one I/O chunk plus one map
 * entry and two integers (its page number and commit size, kept for {@link WalFrames}) per frame.
 *
 * <p>Reads only the {@code -wal} file. Reading it while SQLite connections of this process have the database open
 * is safe (SQLite holds no POSIX locks on it); the result is then a snapshot that may already be stale, and frames
 * being written at that moment show up as torn or invalid, which is what recovery would make of them too.
 */
public final class WalScanner {

    private WalScanner() {
    }

    /**
     * Scans a WAL file. Malformed content is reported in the result, never thrown.
     *
     * @param walFile the {@code -wal} file; it may be missing
     * @return what recovery would find
     * @throws UncheckedIOException if the file exists but cannot be read
     */
    public static WalScan scan(Path walFile) {
        return scanWithFrames(walFile).scan();
    }

    /**
     * Scans a WAL file and keeps the header of every committed frame, in the same pass.
     *
     * @param walFile the {@code -wal} file; it may be missing
     * @return the committed frames, with the scan
     * @throws UncheckedIOException if the file exists but cannot be read
     */
    static WalFrames scanWithFrames(Path walFile) {
        Objects.requireNonNull(walFile, "walFile");
        FileChannel channel;
        try {
            channel = FileChannel.open(walFile, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            return headerless(walFile, 0, HeaderStatus.MISSING, null, "no file");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + walFile, e);
        }
        try (channel) {
            return scan(walFile, channel);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + walFile, e);
        }
    }

    private static WalFrames scan(Path file, FileChannel channel) throws IOException {
        long size = channel.size();
        if (size < WalFormat.HEADER_SIZE) {
            return headerless(file, size, HeaderStatus.EMPTY, null, "shorter than a WAL header");
        }
        byte[] bytes = new byte[WalFormat.HEADER_SIZE];
        WalFormat.readFully(channel, bytes, bytes.length, 0);
        if (Arrays.equals(bytes, new byte[WalFormat.HEADER_SIZE])) {
            return headerless(file, size, HeaderStatus.EMPTY, null, "header is all zero bytes");
        }
        int magic = WalFormat.getInt(bytes, 0);
        if (!WalFormat.isWalMagic(magic)) {
            return headerless(file, size, HeaderStatus.NOT_A_WAL, null, String.format("bad magic %08x", magic));
        }
        WalHeader header = new WalHeader(magic, WalFormat.getInt(bytes, 4), WalFormat.getInt(bytes, 8),
                WalFormat.getInt(bytes, 12), WalFormat.getInt(bytes, 16), WalFormat.getInt(bytes, 20),
                WalFormat.getInt(bytes, 24), WalFormat.getInt(bytes, 28));
        // The order of these checks is SQLite's (walIndexRecover): page size, then version, then checksum.
        if (!WalFormat.isValidPageSize(header.pageSize())) {
            return headerless(file, size, HeaderStatus.INVALID, header, "bad page size " + header.pageSize());
        }
        if (header.version() != WalFormat.VERSION) {
            return headerless(file, size, HeaderStatus.UNSUPPORTED_VERSION, header,
                    "unsupported version " + header.version());
        }
        long headerChecksum = WalFormat.checksum(bytes, 0, 24, header.bigEndianChecksums(), 0);
        if (headerChecksum != WalFormat.pack(header.checksum1(), header.checksum2())) {
            return headerless(file, size, HeaderStatus.INVALID, header, "bad header checksum");
        }
        return frames(file, channel, size, header, headerChecksum);
    }

    private static WalFrames frames(Path file, FileChannel channel, long size, WalHeader header, long headerChecksum)
            throws IOException {
        int pageSize = header.pageSize();
        int frameSize = WalFormat.frameSize(pageSize);
        FrameChecksum checksum = new FrameChecksum(pageSize, header.bigEndianChecksums());
        long completeFrames = (size - WalFormat.HEADER_SIZE) / frameSize;
        int perChunk = WalFormat.framesPerChunk(pageSize);
        byte[] chunk = new byte[perChunk * frameSize];

        long running = headerChecksum;
        long commitChecksum = headerChecksum;
        int valid = 0;
        int lastCommit = 0;
        int dbSize = 0;
        int transactions = 0;
        Map<Integer, Integer> committed = new HashMap<>();
        int[] pending = new int[64];   // page numbers of the valid frames after the last commit
        int pendingCount = 0;
        int[] pageNumbers = new int[64];   // of every valid frame
        int[] commitSizes = new int[64];
        String stop = null;

        scan:
        for (long done = 0; done < completeFrames; ) {
            int count = (int) Math.min(perChunk, completeFrames - done);
            WalFormat.readFully(channel, chunk, count * frameSize, WalFormat.HEADER_SIZE + done * frameSize);
            for (int k = 0; k < count; k++) {
                int offset = k * frameSize;
                long index = done + k + 1;
                if (index > Integer.MAX_VALUE) {
                    stop = "more than " + Integer.MAX_VALUE + " frames";
                    break scan;
                }
                int pageNumber = WalFormat.getInt(chunk, offset);
                int commitSize = WalFormat.getInt(chunk, offset + 4);
                if (WalFormat.getInt(chunk, offset + 8) != header.salt1()
                        || WalFormat.getInt(chunk, offset + 12) != header.salt2()) {
                    stop = "salt mismatch at frame " + index;
                    break scan;
                }
                if (pageNumber == 0) {
                    stop = "page number 0 at frame " + index;
                    break scan;
                }
                long next = checksum.continueOverFrame(chunk, offset, running);
                if (next != WalFormat.pack(WalFormat.getInt(chunk, offset + 16), WalFormat.getInt(chunk, offset + 20))) {
                    stop = "checksum mismatch at frame " + index;
                    break scan;
                }
                running = next;
                valid = (int) index;
                if (valid > pageNumbers.length) {
                    pageNumbers = Arrays.copyOf(pageNumbers, pageNumbers.length * 2);
                    commitSizes = Arrays.copyOf(commitSizes, commitSizes.length * 2);
                }
                pageNumbers[valid - 1] = pageNumber;
                commitSizes[valid - 1] = commitSize;
                if (pendingCount == pending.length) {
                    pending = Arrays.copyOf(pending, pending.length * 2);
                }
                pending[pendingCount++] = pageNumber;
                if (commitSize != 0) {
                    for (int i = 0; i < pendingCount; i++) {
                        committed.put(pending[i], lastCommit + 1 + i);
                    }
                    pendingCount = 0;
                    lastCommit = valid;
                    dbSize = commitSize;
                    commitChecksum = running;
                    transactions++;
                }
            }
            done += count;
        }
        if (stop == null) {
            long end = WalFormat.HEADER_SIZE + completeFrames * frameSize;
            stop = end == size ? "end of file" : "torn frame " + (completeFrames + 1) + " (" + (size - end) + " of "
                    + frameSize + " bytes)";
        }
        int finalDbSize = dbSize;
        committed.keySet().removeIf(page -> Integer.compareUnsigned(page, finalDbSize) > 0);
        WalScan scan = new WalScan(file, size, HeaderStatus.VALID, header, valid, lastCommit, dbSize,
                WalFormat.high(commitChecksum), WalFormat.low(commitChecksum),
                WalFormat.HEADER_SIZE + (long) lastCommit * frameSize, transactions, committed, stop);
        return new WalFrames(scan, Arrays.copyOf(pageNumbers, lastCommit), Arrays.copyOf(commitSizes, lastCommit));
    }

    private static WalFrames headerless(Path file, long size, HeaderStatus status, WalHeader header, String reason) {
        return new WalFrames(new WalScan(file, size, status, header, 0, 0, 0, 0, 0, 0, 0, Map.of(), reason),
                new int[0], new int[0]);
    }
}
