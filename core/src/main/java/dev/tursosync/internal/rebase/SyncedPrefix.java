package dev.tursosync.internal.rebase;

import dev.tursosync.internal.meta.SyncMetadata.WalPrefix;
import dev.tursosync.internal.wal.WalFrameHeader;
import dev.tursosync.internal.wal.WalFrames;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The synced prefix of a WAL: the frames a pull appended and kept in the WAL instead of folding them into the file
 * (docs/sync-client.md, how a pull is applied). The synced state is the database file, overlaid by the revert
 * store's pages when there is no prefix, or by the prefix's frames (the latest frame of each page) when there is
 * one; frames after the prefix are local changes.
 *
 * <p>A prefix is recorded in the metadata as the WAL header's salts and the cumulative checksum of its last
 * frame. A recorded prefix that the WAL no longer holds (the WAL is shorter, was emptied by a {@code TRUNCATE}
 * checkpoint or restarted with other salts, or its frame has another checksum) means a checkpoint folded it into
 * the file: it counts as no prefix.
 */
public final class SyncedPrefix {

    private SyncedPrefix() {
    }

    /**
     * Records the prefix that ends at a commit frame of a WAL.
     *
     * @param wal         the log
     * @param commitFrame the prefix's last frame, a commit frame
     * @return the prefix
     * @throws IllegalStateException if the frame is not a commit frame of the log
     */
    public static WalPrefix endingAt(Path wal, int commitFrame) {
        WalFrameHeader frame = WalFrameHeader.read(wal, commitFrame)
                .filter(header -> header.commitSize() != 0)
                .orElseThrow(() -> new IllegalStateException("frame " + commitFrame + " of " + wal
                        + " is not a commit frame"));
        return new WalPrefix(commitFrame, frame.commitSize(), frame.salt1(), frame.salt2(), frame.checksum1(),
                frame.checksum2());
    }

    /**
     * How many frames of a WAL the recorded prefix covers.
     *
     * @param prefix the recorded prefix, or {@code null}
     * @param frames the WAL's committed frames, read once
     * @return the prefix's frame count if the WAL still holds it, else 0
     */
    public static int framesIn(WalPrefix prefix, WalFrames frames) {
        if (prefix == null || prefix.frames() < 1 || frames.count() < prefix.frames()
                || frames.commitSize(prefix.frames()) != prefix.sizePages()) {
            return 0;
        }
        return holds(prefix, frames.scan().file()) ? prefix.frames() : 0;
    }

    /**
     * Whether a WAL still holds the recorded prefix, from the header of its last frame alone (safe while
     * connections are open: only the log is read).
     *
     * @param prefix the recorded prefix, or {@code null}
     * @param wal    the log
     * @return whether the frame is there with the recorded salts and checksum
     */
    public static boolean holds(WalPrefix prefix, Path wal) {
        if (prefix == null || prefix.frames() < 1) {
            return false;
        }
        Optional<WalFrameHeader> frame = WalFrameHeader.read(wal, prefix.frames());
        return frame.isPresent() && frame.get().commitSize() == prefix.sizePages()
                && frame.get().salt1() == prefix.salt1() && frame.get().salt2() == prefix.salt2()
                && frame.get().checksum1() == prefix.checksum1() && frame.get().checksum2() == prefix.checksum2();
    }
}
