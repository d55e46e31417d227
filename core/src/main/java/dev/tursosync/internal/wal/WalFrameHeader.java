package dev.tursosync.internal.wal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * The header of one frame of a {@code -wal} file, read on its own (two small reads, not a scan): which page the
 * frame holds, the database size if it is a commit frame, and its salts and cumulative checksum. Only the log is
 * opened, so this is safe while SQLite connections are open.
 *
 * @param pageNumber the page the frame holds
 * @param commitSize the database size a commit frame records, 0 for other frames
 * @param salt1      the frame's first salt, equal to the log header's
 * @param salt2      the frame's second salt, equal to the log header's
 * @param checksum1  the first half of the cumulative checksum up to this frame
 * @param checksum2  the second half
 */
public record WalFrameHeader(int pageNumber, int commitSize, int salt1, int salt2, int checksum1, int checksum2) {

    /**
     * Reads the header of a frame.
     *
     * @param walFile the log; it may be missing
     * @param frame   the frame, from 1
     * @return the header, or empty if the log is missing, has no valid magic or page size, is too short to hold
     *         the frame, or the frame's salts are not the log header's (a frame of an older log generation)
     */
    public static Optional<WalFrameHeader> read(Path walFile, int frame) {
        if (frame < 1) {
            return Optional.empty();
        }
        try (FileChannel channel = FileChannel.open(walFile, StandardOpenOption.READ)) {
            byte[] header = new byte[WalFormat.HEADER_SIZE];
            if (channel.size() < WalFormat.HEADER_SIZE) {
                return Optional.empty();
            }
            WalFormat.readFully(channel, header, header.length, 0);
            int pageSize = WalFormat.getInt(header, 8);
            if (!WalFormat.isWalMagic(WalFormat.getInt(header, 0)) || !WalFormat.isValidPageSize(pageSize)) {
                return Optional.empty();
            }
            long offset = WalFormat.HEADER_SIZE + (long) (frame - 1) * WalFormat.frameSize(pageSize);
            if (channel.size() < offset + WalFormat.frameSize(pageSize)) {
                return Optional.empty();
            }
            byte[] bytes = new byte[WalFormat.FRAME_HEADER_SIZE];
            WalFormat.readFully(channel, bytes, bytes.length, offset);
            WalFrameHeader read = new WalFrameHeader(WalFormat.getInt(bytes, 0), WalFormat.getInt(bytes, 4),
                    WalFormat.getInt(bytes, 8), WalFormat.getInt(bytes, 12), WalFormat.getInt(bytes, 16),
                    WalFormat.getInt(bytes, 20));
            boolean current = read.salt1 == WalFormat.getInt(header, 16) && read.salt2 == WalFormat.getInt(header, 20);
            return current ? Optional.of(read) : Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read frame " + frame + " of " + walFile, e);
        }
    }
}
