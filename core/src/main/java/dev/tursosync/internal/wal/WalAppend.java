package dev.tursosync.internal.wal;

import java.nio.file.Path;

/**
 * What {@link WalWriter#appendTransaction} wrote.
 *
 * @param file         the {@code -wal} file
 * @param newHeader    whether a fresh header was written (the file was missing, empty or had an invalid header)
 * @param firstFrame   the 1-based index of the first frame written
 * @param lastFrame    the index of the last frame written, the commit frame
 * @param startOffset  where the first frame starts in the file; everything from here on was written by this call
 * @param endOffset    the new length of the file
 * @param dbSizePages  the database size recorded in the commit frame
 * @param skippedPages how many supplied pages were dropped because their number exceeds {@code dbSizePages}
 */
public record WalAppend(Path file, boolean newHeader, int firstFrame, int lastFrame, long startOffset, long endOffset,
                        int dbSizePages, int skippedPages) {

    /**
     * The number of frames written.
     *
     * @return {@code lastFrame() - firstFrame() + 1}
     */
    public int frameCount() {
        return lastFrame - firstFrame + 1;
    }

    /**
     * The number of frame bytes appended, not counting a fresh header.
     *
     * @return {@code endOffset() - startOffset()}
     */
    public long byteLength() {
        return endOffset - startOffset;
    }
}
