package dev.tursosync.internal.wal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What SQLite's WAL recovery would find in a {@code -wal} file; produced by {@link WalScanner#scan(Path)}.
 *
 * <p>Frames are numbered from 1. A frame is valid if its salts equal the header's, its page number is not 0 and its
 * checksum continues the cumulative checksum chain; the first invalid frame ends the log. Valid frames after the last
 * commit frame belong to an unfinished transaction and are ignored by SQLite.
 *
 * @param file             the scanned file
 * @param fileSize         its size in bytes, 0 if missing
 * @param headerStatus     whether the header is usable; frames are only read when it is {@link HeaderStatus#VALID}
 * @param header           the decoded header, or {@code null} for {@link HeaderStatus#MISSING},
 *                         {@link HeaderStatus#EMPTY} and {@link HeaderStatus#NOT_A_WAL}
 * @param validFrames      how many frames from the start are valid, committed or not
 * @param lastCommitFrame  the index of the last valid commit frame (SQLite's mxFrame), 0 if none
 * @param dbSizePages      the database size in pages recorded by that commit frame, 0 if none
 * @param commitChecksum1  the running checksum stored in that commit frame (first half), or the header checksum if
 *                         there is no commit; a new transaction continues the chain from here
 * @param commitChecksum2  second half of that checksum
 * @param committedLength  the byte length of the header plus all frames up to and including the last commit, 0 if
 *                         the header is not valid
 * @param transactions     how many committed transactions the log holds
 * @param committedPages   for each page number up to {@code dbSizePages}: the index of its latest committed frame
 *                         (unmodifiable); exactly the pages SQLite would read from the WAL
 * @param stopReason       why the scan stopped, for diagnostics (for example {@code "end of file"},
 *                         {@code "torn frame 7"}, {@code "salt mismatch at frame 3"})
 */
public record WalScan(Path file, long fileSize, HeaderStatus headerStatus, WalHeader header, int validFrames,
                      int lastCommitFrame, int dbSizePages, int commitChecksum1, int commitChecksum2,
                      long committedLength, int transactions, Map<Integer, Integer> committedPages,
                      String stopReason) {

    /** The state of a WAL file's header. */
    public enum HeaderStatus {
        /** No file. SQLite sees an empty log. */
        MISSING,
        /** Shorter than a header, or the header is all zero bytes. SQLite sees an empty log. */
        EMPTY,
        /** The header does not start with the WAL magic: this is not a WAL file. SQLite sees an empty log. */
        NOT_A_WAL,
        /** The WAL magic but an impossible page size or a wrong header checksum. SQLite sees an empty log. */
        INVALID,
        /** The WAL magic but a format version other than 3007000: SQLite refuses to open the database. */
        UNSUPPORTED_VERSION,
        /** A valid header; frames were scanned. */
        VALID
    }

    /**
     * Validates and copies the components.
     *
     * @param file            see {@link #file()}
     * @param fileSize        see {@link #fileSize()}
     * @param headerStatus    see {@link #headerStatus()}
     * @param header          see {@link #header()}
     * @param validFrames     see {@link #validFrames()}
     * @param lastCommitFrame see {@link #lastCommitFrame()}
     * @param dbSizePages     see {@link #dbSizePages()}
     * @param commitChecksum1 see {@link #commitChecksum1()}
     * @param commitChecksum2 see {@link #commitChecksum2()}
     * @param committedLength see {@link #committedLength()}
     * @param transactions    see {@link #transactions()}
     * @param committedPages  see {@link #committedPages()}; copied
     * @param stopReason      see {@link #stopReason()}
     */
    public WalScan {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(headerStatus, "headerStatus");
        committedPages = Map.copyOf(committedPages);
    }

    /**
     * Whether the header is valid, so frames were scanned and a transaction can be appended.
     *
     * @return {@code headerStatus() == VALID}
     */
    public boolean headerValid() {
        return headerStatus == HeaderStatus.VALID;
    }

    /**
     * Valid frames after the last commit: an unfinished transaction that SQLite ignores.
     *
     * @return {@code validFrames() - lastCommitFrame()}
     */
    public int uncommittedFrames() {
        return validFrames - lastCommitFrame;
    }

    /**
     * Bytes after the committed prefix: uncommitted frames, torn frames and stale frames of an older log generation.
     * {@link WalWriter} cuts them off before appending.
     *
     * @return {@code fileSize() - committedLength()} for a valid header, else {@code fileSize()}
     */
    public long tailLength() {
        return fileSize - committedLength;
    }

    /**
     * The page size of the header.
     *
     * @return the page size, 0 if there is no decoded header
     */
    public int pageSize() {
        return header == null ? 0 : header.pageSize();
    }

    /**
     * The byte offset of a frame (of its 24-byte frame header) in the file.
     *
     * @param frameIndex a 1-based frame index
     * @return the offset
     * @throws IllegalStateException if the header is not valid
     */
    public long frameOffset(int frameIndex) {
        if (!headerValid()) {
            throw new IllegalStateException("no valid WAL header in " + file + ": " + headerStatus);
        }
        if (frameIndex < 1) {
            throw new IllegalArgumentException("frame indexes start at 1, got " + frameIndex);
        }
        return WalFormat.HEADER_SIZE + (long) (frameIndex - 1) * WalFormat.frameSize(header.pageSize());
    }

    /**
     * Reads the latest committed image of a page from the WAL file. Only the {@code -wal} file is opened, so this is
     * safe while SQLite connections are open, but the answer is only meaningful while the log has not changed since
     * the scan.
     *
     * @param pageNumber a 1-based page number
     * @return the page image, or empty if the committed log holds no frame for that page (or the page is beyond
     *         {@link #dbSizePages()})
     * @throws WalFormatException   if the frame on disk no longer carries that page number and the header's salts
     * @throws UncheckedIOException if the file cannot be read
     */
    public Optional<byte[]> readPage(int pageNumber) {
        Integer frame = committedPages.get(pageNumber);
        if (frame == null) {
            return Optional.empty();
        }
        int pageSize = header.pageSize();
        byte[] buffer = new byte[WalFormat.frameSize(pageSize)];
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            WalFormat.readFully(channel, buffer, buffer.length, frameOffset(frame));
        } catch (NoSuchFileException e) {
            throw new WalFormatException("WAL file " + file + " disappeared after it was scanned");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read frame " + frame + " of " + file, e);
        }
        if (WalFormat.getInt(buffer, 0) != pageNumber || WalFormat.getInt(buffer, 8) != header.salt1()
                || WalFormat.getInt(buffer, 12) != header.salt2()) {
            throw new WalFormatException("frame " + frame + " of " + file + " changed after the WAL was scanned");
        }
        byte[] page = new byte[pageSize];
        System.arraycopy(buffer, WalFormat.FRAME_HEADER_SIZE, page, 0, pageSize);
        return Optional.of(page);
    }
}
