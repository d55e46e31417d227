package dev.tursosync.internal.wal;

import dev.tursosync.internal.io.KillPoints;
import dev.tursosync.internal.wal.WalScan.HeaderStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.Iterator;
import java.util.Objects;

/**
 * Appends one committed transaction to a {@code -wal} file, so that SQLite's WAL recovery applies it on the next
 * open.
 *
 * <p><b>Precondition:</b> no connection, in any process, has the database open. Frames written while a connection is
 * open are ignored by it and later overwritten. Close the last connection read-only so that SQLite leaves its
 * {@code -wal} in place instead of checkpointing it; a stale {@code -shm} is harmless, the first opener rebuilds it.
 * Only the {@code -wal} file (and, if it had to be created, its folder) is opened.
 *
 * <p><b>Crash safety:</b> the transaction's last frame carries the commit marker and the file is forced to disk
 * before returning. A crash or error before that leaves a torn or uncommitted tail, which SQLite's recovery ignores
 * (the database keeps its previous state) and which the next append cuts off.
 */
public final class WalWriter {

    private static final SecureRandom SALTS = new SecureRandom();

    private WalWriter() {
    }

    /**
     * Appends the pages as one committed transaction; see {@link #appendTransaction(Path, int, Iterator, int)}.
     *
     * @param walFile        the {@code -wal} file of a database that no connection has open
     * @param pageSize       the database page size
     * @param pages          the pages, in the order to write them
     * @param newDbSizePages the database size in pages after the transaction
     * @return what was written
     */
    public static WalAppend appendTransaction(Path walFile, int pageSize, Iterable<WalFrame> pages,
                                              int newDbSizePages) {
        Objects.requireNonNull(pages, "pages");
        return appendTransaction(walFile, pageSize, pages.iterator(), newDbSizePages);
    }

    /**
     * Appends the pages as one committed transaction.
     *
     * <ul>
     *   <li>If the WAL is missing, empty (shorter than a header, or a zero-filled header) or has the WAL magic but an
     *   invalid header (which SQLite ignores), it is replaced by a fresh log: magic {@code 0x377f0682}, version
     *   3007000, checkpoint sequence 0 and random salts.</li>
     *   <li>Otherwise everything after the last committed frame (an unfinished transaction, a torn frame, stale frames
     *   of an older generation) is cut off and the frames continue the checksum chain of the last commit, with the
     *   header's salts and checksum byte order.</li>
     *   <li>Frames are written in the order given; pages whose number exceeds {@code newDbSizePages} are skipped
     *   (SQLite would never read them); the same page may appear more than once (the later one wins). The last
     *   frame written is the commit frame, with commit size {@code newDbSizePages}. Then the file is forced.</li>
     * </ul>
     *
     * <p>Memory is bounded: the iterator is consumed one frame ahead of the output, each page is copied before the
     * next is requested (so the source may reuse one array), and output is buffered in chunks of about 256 KiB. The
     * {@link WalFrame#commitSize()} of the supplied frames is ignored.
     *
     * @param walFile        the {@code -wal} file of a database that no connection has open
     * @param pageSize       the database page size; must equal the page size of an existing valid WAL
     * @param pages          the pages, in the order to write them; at least one must be within the new size
     * @param newDbSizePages the database size in pages after the transaction
     * @return what was written
     * @throws IllegalArgumentException if the page size is not a power of two in [512, 65536], the size is below 1,
     *                                  a page has the wrong length, or no page is within the new size (in that last
     *                                  case the file is not touched)
     * @throws WalFormatException       if the file is not a WAL (wrong magic: refusing to overwrite, for example, a
     *                                  database file passed by mistake), has a version SQLite cannot open, or has a
     *                                  different page size; the file is not touched
     * @throws UncheckedIOException     if reading or writing fails; the file then holds no new committed frame
     */
    public static WalAppend appendTransaction(Path walFile, int pageSize, Iterator<WalFrame> pages,
                                              int newDbSizePages) {
        Objects.requireNonNull(walFile, "walFile");
        return appendTransaction(WalScanner.scan(walFile), pageSize, pages, newDbSizePages);
    }

    /**
     * As {@link #appendTransaction(Path, int, Iterator, int)}, after a scan the caller already made of the log, which
     * nothing has written since (the caller holds every connection closed): the log is not read again.
     *
     * @param scan           the scan of the {@code -wal} file as it is
     * @param pageSize       the database page size; must equal the page size of an existing valid WAL
     * @param pages          the pages, in the order to write them; at least one must be within the new size
     * @param newDbSizePages the database size in pages after the transaction
     * @return what was written
     */
    public static WalAppend appendTransaction(WalScan scan, int pageSize, Iterator<WalFrame> pages,
                                              int newDbSizePages) {
        return appendTransaction(scan, pageSize, pages, newDbSizePages, true);
    }

    /**
     * As {@link #appendTransaction(WalScan, int, Iterator, int)}, optionally without forcing the log: for a caller
     * whose next step is a transaction that SQLite commits on the same log with {@code synchronous = FULL}, whose
     * force makes these frames durable too (a force covers every write made to the file before it). Until then a
     * crash may keep any part of the frames: SQLite's recovery, which follows the checksum chain, then ignores the
     * transaction, and the frames after it, unless the whole of it reached the disk.
     *
     * @param scan           the scan of the {@code -wal} file as it is
     * @param pageSize       the database page size; must equal the page size of an existing valid WAL
     * @param pages          the pages, in the order to write them; at least one must be within the new size
     * @param newDbSizePages the database size in pages after the transaction
     * @param force          whether to force the log before returning
     * @return what was written
     */
    public static WalAppend appendTransaction(WalScan scan, int pageSize, Iterator<WalFrame> pages,
                                              int newDbSizePages, boolean force) {
        Objects.requireNonNull(scan, "scan");
        Objects.requireNonNull(pages, "pages");
        Path walFile = scan.file();
        if (!WalFormat.isValidPageSize(pageSize)) {
            throw new IllegalArgumentException("page size must be a power of two in [512, 65536], got " + pageSize);
        }
        if (newDbSizePages < 1) {
            throw new IllegalArgumentException("the database must have at least one page, got " + newDbSizePages);
        }
        boolean fresh = switch (scan.headerStatus()) {
            case MISSING, EMPTY, INVALID -> true;
            case VALID -> {
                if (scan.header().pageSize() != pageSize) {
                    throw new WalFormatException("WAL " + walFile + " has page size " + scan.header().pageSize()
                            + ", not " + pageSize);
                }
                yield false;
            }
            case NOT_A_WAL -> throw new WalFormatException(walFile + " is not a WAL file (" + scan.stopReason()
                    + "); refusing to overwrite it");
            case UNSUPPORTED_VERSION -> throw new WalFormatException("WAL " + walFile + " has "
                    + scan.stopReason() + ", which SQLite cannot open; refusing to overwrite it");
        };

        Source source = new Source(pages, pageSize, newDbSizePages);
        if (!source.advance()) {
            throw new IllegalArgumentException("no page within the new database size of " + newDbSizePages
                    + " pages (" + source.skipped + " skipped)");
        }
        WalHeader header = fresh ? freshHeader(pageSize) : scan.header();
        long chain = fresh ? WalFormat.pack(header.checksum1(), header.checksum2())
                : WalFormat.pack(scan.commitChecksum1(), scan.commitChecksum2());
        long start = fresh ? WalFormat.HEADER_SIZE : scan.committedLength();
        int firstFrame = fresh ? 1 : scan.lastCommitFrame() + 1;

        long end;
        int written;
        try (FileChannel channel = FileChannel.open(walFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            Encoder encoder = new Encoder(channel, header, start, chain);
            try {
                if (fresh) {
                    channel.truncate(0);
                    WalFormat.writeFully(channel, encodeHeader(header), WalFormat.HEADER_SIZE, 0);
                } else {
                    channel.truncate(start);
                }
                while (true) {
                    int pageNumber = source.pageNumber;
                    byte[] page = source.take();
                    if (source.advance()) {
                        encoder.frame(pageNumber, 0, page);
                    } else {
                        encoder.frame(pageNumber, newDbSizePages, page);
                        break;
                    }
                }
                end = encoder.flush();
                written = encoder.frames;
                KillPoints.reached("wal.frames-written");
                if (force) {
                    channel.force(true);
                }
            } catch (IOException | RuntimeException | Error e) {
                undo(channel, start, e);
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + walFile, e);
        }
        if (scan.headerStatus() == HeaderStatus.MISSING) {
            forceFolder(walFile);
        }
        return new WalAppend(walFile, fresh, firstFrame, firstFrame + written - 1, start, end, newDbSizePages,
                source.skipped);
    }

    private static WalHeader freshHeader(int pageSize) {
        WalHeader unsigned = new WalHeader(WalFormat.MAGIC_LITTLE_ENDIAN, WalFormat.VERSION, pageSize, 0,
                SALTS.nextInt(), SALTS.nextInt(), 0, 0);
        long checksum = WalFormat.checksum(encodeHeader(unsigned), 0, 24, false, 0);
        return new WalHeader(unsigned.magic(), unsigned.version(), pageSize, unsigned.checkpointSequence(),
                unsigned.salt1(), unsigned.salt2(), WalFormat.high(checksum), WalFormat.low(checksum));
    }

    private static byte[] encodeHeader(WalHeader header) {
        byte[] bytes = new byte[WalFormat.HEADER_SIZE];
        WalFormat.putInt(bytes, 0, header.magic());
        WalFormat.putInt(bytes, 4, header.version());
        WalFormat.putInt(bytes, 8, header.pageSize());
        WalFormat.putInt(bytes, 12, header.checkpointSequence());
        WalFormat.putInt(bytes, 16, header.salt1());
        WalFormat.putInt(bytes, 20, header.salt2());
        WalFormat.putInt(bytes, 24, header.checksum1());
        WalFormat.putInt(bytes, 28, header.checksum2());
        return bytes;
    }

    /** Best effort: drop the uncommitted frames of a failed append. They are harmless anyway, recovery ignores them. */
    private static void undo(FileChannel channel, long start, Throwable failure) {
        try {
            channel.truncate(start);
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    /** Makes the new directory entry durable; best effort, as not every platform can open a folder. */
    private static void forceFolder(Path file) {
        Path folder = file.toAbsolutePath().getParent();
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Without it a crash may lose the new file, which leaves the previous database state: still atomic.
        }
    }

    /** The supplied pages with one frame of look-ahead, minus the pages beyond the new size. */
    private static final class Source {
        private final Iterator<WalFrame> frames;
        private final int pageSize;
        private final int dbSize;
        private byte[] current;
        private byte[] spare;
        private int pageNumber;
        private int skipped;

        Source(Iterator<WalFrame> frames, int pageSize, int dbSize) {
            this.frames = frames;
            this.pageSize = pageSize;
            this.dbSize = dbSize;
            this.current = new byte[pageSize];
            this.spare = new byte[pageSize];
        }

        /** Copies the next page to write into {@link #current}; false at the end. */
        boolean advance() {
            while (frames.hasNext()) {
                WalFrame frame = Objects.requireNonNull(frames.next(), "null frame");
                if (frame.page().length != pageSize) {
                    throw new IllegalArgumentException("page " + frame.pageNumber() + " has " + frame.page().length
                            + " bytes, not " + pageSize);
                }
                if (frame.pageNumber() > dbSize) {
                    skipped++;
                    continue;
                }
                pageNumber = frame.pageNumber();
                System.arraycopy(frame.page(), 0, current, 0, pageSize);
                return true;
            }
            return false;
        }

        /** Hands out the current page and keeps it stable until the next call: the buffers alternate. */
        byte[] take() {
            byte[] page = current;
            current = spare;
            spare = page;
            return page;
        }
    }

    /** Encodes frames into a chunk buffer, continuing the checksum chain, and writes full chunks. */
    private static final class Encoder {
        private final FileChannel channel;
        private final int salt1;
        private final int salt2;
        private final boolean bigEndian;
        private final int pageSize;
        private final int frameSize;
        private final byte[] buffer;
        private int used;
        private long position;
        private long chain;
        private int frames;

        Encoder(FileChannel channel, WalHeader header, long position, long chain) {
            this.channel = channel;
            this.salt1 = header.salt1();
            this.salt2 = header.salt2();
            this.bigEndian = header.bigEndianChecksums();
            this.pageSize = header.pageSize();
            this.frameSize = WalFormat.frameSize(pageSize);
            this.buffer = new byte[WalFormat.framesPerChunk(pageSize) * frameSize];
            this.position = position;
            this.chain = chain;
        }

        void frame(int pageNumber, int commitSize, byte[] page) throws IOException {
            if (used + frameSize > buffer.length) {
                flush();
                KillPoints.reached("wal.chunk-written");
            }
            int at = used;
            WalFormat.putInt(buffer, at, pageNumber);
            WalFormat.putInt(buffer, at + 4, commitSize);
            WalFormat.putInt(buffer, at + 8, salt1);
            WalFormat.putInt(buffer, at + 12, salt2);
            chain = WalFormat.checksum(buffer, at, 8, bigEndian, chain);
            chain = WalFormat.checksum(page, 0, pageSize, bigEndian, chain);
            WalFormat.putInt(buffer, at + 16, WalFormat.high(chain));
            WalFormat.putInt(buffer, at + 20, WalFormat.low(chain));
            System.arraycopy(page, 0, buffer, at + WalFormat.FRAME_HEADER_SIZE, pageSize);
            used += frameSize;
            frames++;
        }

        /** Writes what is buffered; returns the file position after it. */
        long flush() throws IOException {
            WalFormat.writeFully(channel, buffer, used, position);
            position += used;
            used = 0;
            return position;
        }
    }
}
