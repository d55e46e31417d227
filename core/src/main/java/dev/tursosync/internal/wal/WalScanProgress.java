package dev.tursosync.internal.wal;

import dev.tursosync.internal.wal.WalScan.HeaderStatus;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * How far a scan of one log generation (one valid header) has come: the checksum chain, the committed frames' page
 * numbers and commit sizes, and each page's latest committed frame. It continues frame by frame as SQLite's WAL
 * recovery does, and can be taken back to its last commit frame and continued over what was appended since
 * ({@link WalReader}): the state at a commit frame and the bytes after it decide the rest of the scan, so a scan
 * continued from there finds exactly what a scan from the header would. Not thread-safe.
 */
final class WalScanProgress {

    private final byte[] headerBytes;
    private final WalHeader header;
    private final FrameChecksum checksum;
    private final int frameSize;
    private final Map<Integer, Integer> committed = new HashMap<>();
    private final byte[] lastCommitHeader = new byte[WalFormat.FRAME_HEADER_SIZE];
    private long running;
    private long commitChecksum;
    private int valid;
    private int lastCommit;
    private int dbSize;
    private int transactions;
    private int[] pending = new int[64];   // page numbers of the valid frames after the last commit
    private int pendingCount;
    private int[] pageNumbers = new int[64];   // of every valid frame
    private int[] commitSizes = new int[64];
    private String stop;

    /**
     * The start of a scan, before frame 1.
     *
     * @param headerBytes    the log's 32 header bytes, checked valid
     * @param header         the same, decoded
     * @param headerChecksum the header's checksum, where the chain starts
     */
    WalScanProgress(byte[] headerBytes, WalHeader header, long headerChecksum) {
        this.headerBytes = headerBytes.clone();
        this.header = header;
        this.checksum = new FrameChecksum(header.pageSize(), header.bigEndianChecksums());
        this.frameSize = WalFormat.frameSize(header.pageSize());
        this.running = headerChecksum;
        this.commitChecksum = headerChecksum;
    }

    WalHeader header() {
        return header;
    }

    /** The bytes up to and including the last commit frame: the part of the log a continued scan trusts. */
    long committedLength() {
        return WalFormat.HEADER_SIZE + (long) lastCommit * frameSize;
    }

    /**
     * Whether the log open on a channel is still the one this progress was made from, as far as its committed part
     * goes: at least as long, the same 32 header bytes, and the same 24 header bytes of the last commit frame (its
     * salts and its cumulative checksum).
     *
     * @param channel the log
     * @param size    its size
     */
    boolean stillHolds(FileChannel channel, long size) throws IOException {
        if (size < committedLength()) {
            return false;
        }
        byte[] now = new byte[WalFormat.HEADER_SIZE];
        WalFormat.readFully(channel, now, now.length, 0);
        if (!Arrays.equals(now, headerBytes)) {
            return false;
        }
        if (lastCommit == 0) {
            return true;
        }
        byte[] frame = new byte[WalFormat.FRAME_HEADER_SIZE];
        WalFormat.readFully(channel, frame, frame.length, committedLength() - frameSize);
        return Arrays.equals(frame, lastCommitHeader);
    }

    /** Drops the valid frames after the last commit frame, the part of the log SQLite may still rewrite. */
    void backToLastCommit() {
        running = commitChecksum;
        valid = lastCommit;
        pendingCount = 0;
        stop = null;
    }

    /**
     * Continues over the frames after the last valid one, up to the first invalid or torn frame or the end.
     *
     * @param channel the log
     * @param size    its size
     */
    void continueOver(FileChannel channel, long size) throws IOException {
        long completeFrames = (size - WalFormat.HEADER_SIZE) / frameSize;
        int perChunk = WalFormat.framesPerChunk(header.pageSize());
        byte[] chunk = new byte[(int) Math.min(perChunk, Math.max(1, completeFrames - valid)) * frameSize];
        scan:
        for (long done = valid; done < completeFrames; ) {
            int count = (int) Math.min(chunk.length / frameSize, completeFrames - done);
            WalFormat.readFully(channel, chunk, count * frameSize, WalFormat.HEADER_SIZE + done * frameSize);
            for (int k = 0; k < count; k++) {
                int offset = k * frameSize;
                long index = done + k + 1;
                if (index > Integer.MAX_VALUE) {
                    stop = "more than " + Integer.MAX_VALUE + " frames";
                    break scan;
                }
                stop = frame(chunk, offset, (int) index);
                if (stop != null) {
                    break scan;
                }
            }
            done += count;
        }
        if (stop == null) {
            long end = WalFormat.HEADER_SIZE + completeFrames * frameSize;
            stop = end == size ? "end of file" : "torn frame " + (completeFrames + 1) + " (" + (size - end) + " of "
                    + frameSize + " bytes)";
        }
    }

    /** One frame: null if it is valid (and taken in), else why the log ends before it. */
    private String frame(byte[] chunk, int offset, int index) {
        int pageNumber = WalFormat.getInt(chunk, offset);
        int commitSize = WalFormat.getInt(chunk, offset + 4);
        if (WalFormat.getInt(chunk, offset + 8) != header.salt1()
                || WalFormat.getInt(chunk, offset + 12) != header.salt2()) {
            return "salt mismatch at frame " + index;
        }
        if (pageNumber == 0) {
            return "page number 0 at frame " + index;
        }
        long next = checksum.continueOverFrame(chunk, offset, running);
        if (next != WalFormat.pack(WalFormat.getInt(chunk, offset + 16), WalFormat.getInt(chunk, offset + 20))) {
            return "checksum mismatch at frame " + index;
        }
        running = next;
        valid = index;
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
            System.arraycopy(chunk, offset, lastCommitHeader, 0, lastCommitHeader.length);
        }
        return null;
    }

    /**
     * What the scan found, as of now: copies, so that continuing the scan later changes nothing handed out.
     *
     * @param file the log
     * @param size its size when scanned
     */
    WalFrames frames(Path file, long size) {
        Map<Integer, Integer> visible = committed;
        if (committed.keySet().stream().anyMatch(page -> Integer.compareUnsigned(page, dbSize) > 0)) {
            visible = new HashMap<>(committed);
            visible.keySet().removeIf(page -> Integer.compareUnsigned(page, dbSize) > 0);
        }
        WalScan scan = new WalScan(file, size, HeaderStatus.VALID, header, valid, lastCommit, dbSize,
                WalFormat.high(commitChecksum), WalFormat.low(commitChecksum), committedLength(), transactions,
                visible, stop);
        return new WalFrames(scan, Arrays.copyOf(pageNumbers, lastCommit), Arrays.copyOf(commitSizes, lastCommit));
    }
}
