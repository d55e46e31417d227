package dev.tursosync.internal.wal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * The committed frames of a {@code -wal} file, one by one: which page each frame holds and where each transaction
 * ends, with the {@link WalScan} of the same pass over the file. Read only while no connection writes the log.
 */
public final class WalFrames {

    private final WalScan scan;
    private final Path file;
    private final int pageSize;
    private final int[] pageNumbers;
    private final int[] commitSizes;

    WalFrames(WalScan scan, int[] pageNumbers, int[] commitSizes) {
        this.scan = scan;
        this.file = scan.file();
        this.pageSize = scan.pageSize();
        this.pageNumbers = pageNumbers;
        this.commitSizes = commitSizes;
    }

    /**
     * Reads a log once: what {@link WalScanner} finds, and the headers of its committed frames (up to the last commit
     * frame).
     *
     * @param walFile the log; it may be missing
     * @return the frames, none for a missing, empty or invalid log
     */
    public static WalFrames read(Path walFile) {
        return WalScanner.scanWithFrames(walFile);
    }

    /**
     * What the scan of the same pass found: whether the header is valid, the committed length, the checksum a new
     * transaction continues from.
     *
     * @return the scan
     */
    public WalScan scan() {
        return scan;
    }

    private static long offset(int frame, int pageSize) {
        return WalFormat.HEADER_SIZE + (long) (frame - 1) * WalFormat.frameSize(pageSize);
    }

    /**
     * How many committed frames the log holds.
     *
     * @return the count
     */
    public int count() {
        return pageNumbers.length;
    }

    /**
     * The page a frame holds.
     *
     * @param frame the frame, from 1
     * @return its page number
     */
    public int pageNumber(int frame) {
        return pageNumbers[frame - 1];
    }

    /**
     * Whether a frame ends a transaction.
     *
     * @param frame the frame, from 1
     * @return whether it is a commit frame
     */
    public boolean isCommit(int frame) {
        return commitSizes[frame - 1] != 0;
    }

    /**
     * The database size a commit frame records.
     *
     * @param frame a commit frame, from 1
     * @return the size in pages, 0 for a frame that is not a commit
     */
    public int commitSize(int frame) {
        return commitSizes[frame - 1];
    }

    /**
     * The first commit frame after a given frame.
     *
     * @param after a frame number, 0 for the start of the log
     * @return the commit frame, or 0 if no transaction ends after it
     */
    public int nextCommit(int after) {
        for (int frame = after + 1; frame <= count(); frame++) {
            if (isCommit(frame)) {
                return frame;
            }
        }
        return 0;
    }

    /**
     * How many transactions end after a given frame.
     *
     * @param after a frame number, 0 for the start of the log
     * @return the number of commit frames after it
     */
    public int commitsAfter(int after) {
        int commits = 0;
        for (int frame = after + 1; frame <= count(); frame++) {
            if (isCommit(frame)) {
                commits++;
            }
        }
        return commits;
    }

    /**
     * Reads the page image of a frame.
     *
     * @param channel the log, open for reading
     * @param frame   the frame, from 1
     * @return the page
     */
    public byte[] page(FileChannel channel, int frame) {
        byte[] page = new byte[pageSize];
        try {
            WalFormat.readFully(channel, page, pageSize, offset(frame, pageSize) + WalFormat.FRAME_HEADER_SIZE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read frame " + frame + " of " + file, e);
        }
        return page;
    }
}
