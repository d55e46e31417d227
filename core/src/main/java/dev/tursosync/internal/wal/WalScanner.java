package dev.tursosync.internal.wal;

import dev.tursosync.internal.wal.WalScan.HeaderStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
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
        return scan(walFile, null).frames();
    }

    /**
     * One pass over a log, and where the next pass may continue from.
     *
     * @param frames   what the pass found
     * @param progress for a valid header, the scan's state to continue from; null otherwise
     */
    record Pass(WalFrames frames, WalScanProgress progress) {
    }

    /**
     * Scans a WAL file, continuing an earlier pass's progress when the log still holds its committed part (see
     * {@link WalScanProgress#stillHolds}), else from the header.
     *
     * @param walFile the {@code -wal} file; it may be missing
     * @param resume  the progress of an earlier pass over the same file, or null; it is continued in place, so
     *                it must not be used again unless this call returns it
     * @return the pass
     * @throws UncheckedIOException if the file exists but cannot be read
     */
    static Pass scan(Path walFile, WalScanProgress resume) {
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
            long size = channel.size();
            if (resume != null && resume.stillHolds(channel, size)) {
                resume.backToLastCommit();
                return frames(walFile, channel, size, resume);
            }
            return scan(walFile, channel, size);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + walFile, e);
        }
    }

    private static Pass scan(Path file, FileChannel channel, long size) throws IOException {
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
        return frames(file, channel, size, new WalScanProgress(bytes, header, headerChecksum));
    }

    private static Pass frames(Path file, FileChannel channel, long size, WalScanProgress progress)
            throws IOException {
        progress.continueOver(channel, size);
        return new Pass(progress.frames(file, size), progress);
    }

    private static Pass headerless(Path file, long size, HeaderStatus status, WalHeader header, String reason) {
        return new Pass(new WalFrames(new WalScan(file, size, status, header, 0, 0, 0, 0, 0, 0, 0, Map.of(), reason),
                new int[0], new int[0]), null);
    }
}
