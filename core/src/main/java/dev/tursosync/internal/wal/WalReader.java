package dev.tursosync.internal.wal;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Reads one database's {@code -wal} as {@link WalFrames#read} does, but continues from where its last read ended
 * instead of reading the whole log again: a pull reads the log once per apply, and the log grows to several MiB
 * between fold-ins, while only the frames appended since the last pull are new. One reader per replica, owned by the
 * client for its lifetime (kept in memory only: after a crash or a reopen the first read is a full scan, so crash
 * recovery reads what it always read).
 *
 * <p><b>What is kept.</b> After each read: the log's 32 header bytes, and the scan's state at its last commit frame
 * (the checksum chain there, the committed frames' page numbers and commit sizes, each page's latest committed
 * frame, the 24 header bytes of that commit frame). Frames after the last commit (an unfinished transaction, a torn
 * or stale tail) are not kept: SQLite rewrites them.
 *
 * <p><b>When a read continues.</b> Only when the file is at least as long as the kept committed part, its 32 header
 * bytes are the kept ones, and the kept commit frame's header reads back the same; the scan then goes on from the
 * frame after that commit, with the kept state, over the bytes after it. The scan at a commit frame is decided by
 * that state and the bytes after it, so the result is then exactly the full scan's, provided the committed part is
 * unchanged. Anything else (no file, a shorter file, another header, another commit frame, an error) is a full scan.
 *
 * <p><b>Why the committed part is unchanged when the header is.</b> Within one log generation (one header: its
 * salts and checkpoint sequence) nothing rewrites a committed frame:
 * <ul>
 *   <li>SQLite, in this process or another (a {@code sqlite3} shell, another program), writes a committed
 *   transaction's frames only after the last committed frame (mxFrame): it may overwrite frames after it (a
 *   rolled-back transaction that spilled, or its own frames within the transaction) but never one at or below
 *   it. To reuse the log from frame 1 it restarts it: a new header with the first salt incremented, a random
 *   second salt and the next checkpoint sequence, written before any frame. A checkpoint that truncates or
 *   deletes the file shortens it below the kept part, and the next writer starts a header with new salts. So
 *   another writer either appends (the same header, the kept part intact) or restarts (another header): both are
 *   seen here. A restart that came back to the kept header would need both a checkpoint sequence that wrapped
 *   around 2^32 and a random salt equal to the old one.</li>
 *   <li>This client writes the log itself only while every connection is closed or under the exclusive permit,
 *   and tells the reader: before a pull appends its transaction, {@link #rewriting} (the writer cuts the log back
 *   to the committed length of the read it was given, which keeps what this reader keeps from that same read,
 *   and forgets a read that reached further); before cutting the log back, deleting it or checkpointing it,
 *   {@link #forget}. A fresh header from {@link WalWriter} has random salts.</li>
 * </ul>
 * The re-read of the kept commit frame's header (its salts and the cumulative checksum over everything before it)
 * is a cheap guard on top, not the argument. The read itself, like a full scan, must not overlap a write of the
 * log (the pull reads it with every connection of this process idle or closed).
 *
 * <p><b>What a continued read does not see</b>, and a full scan did: a committed frame damaged in place after it was
 * read (the storage corrupting it, or a tool writing into the middle of the file without a new header). Neither
 * SQLite nor this client writes a log that way; such damage is found again by the first full scan (after a reopen,
 * a checkpoint or a cut-back).
 *
 * <p>Thread-safe: reads and notices are serialised.
 */
public final class WalReader {

    private final Path walFile;
    private WalScanProgress kept;

    /**
     * A reader that has read nothing yet: its first read is a full scan.
     *
     * @param walFile the {@code -wal} file of the replica
     */
    public WalReader(Path walFile) {
        this.walFile = Objects.requireNonNull(walFile, "walFile");
    }

    /**
     * The log this reader reads.
     *
     * @return the {@code -wal} file
     */
    public Path file() {
        return walFile;
    }

    /**
     * Reads the log: what {@link WalFrames#read} would return for it now, continuing the last read when the log
     * still holds its committed part.
     *
     * @return the committed frames and the scan
     * @throws UncheckedIOException if the file exists but cannot be read (nothing is kept then)
     */
    public synchronized WalFrames read() {
        WalScanProgress from = kept;
        kept = null;
        WalScanner.Pass pass = WalScanner.scan(walFile, from);
        kept = pass.progress();
        return pass.frames();
    }

    /**
     * Notice that this client is about to rewrite the log after the committed part of a read ({@link WalWriter}
     * cuts it back to {@code scan.committedLength()} and appends): a kept read that reaches further, or of another
     * header, is forgotten; one that ends at or before it stays exact.
     *
     * @param scan the scan the writer is given
     */
    public synchronized void rewriting(WalScan scan) {
        if (kept != null && (!scan.headerValid() || !kept.header().equals(scan.header())
                || kept.committedLength() > scan.committedLength())) {
            kept = null;
        }
    }

    /**
     * Notice that this client is about to cut the log back, delete it or checkpoint it: the next read is a full scan.
     * Called before the write, so that a write that fails half-way leaves nothing kept.
     */
    public synchronized void forget() {
        kept = null;
    }
}
