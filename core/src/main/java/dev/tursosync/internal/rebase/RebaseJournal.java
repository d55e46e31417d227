package dev.tursosync.internal.rebase;

import dev.tursosync.internal.capture.CarriedPositions;
import dev.tursosync.internal.capture.LogRow;
import java.util.List;
import java.util.Objects;

/**
 * The durable record of a pull over pending local changes being applied, written before the first byte of it
 * reaches the WAL.
 *
 * <p>It keeps where the WAL stood before, so that the next open can tell how far the pull got and finish it (the
 * replay committed) or undo it (the WAL cut back to that length, where the pending changes are still in the change
 * log). Recovery never replays, so the journal holds no copy of the changes; those of older releases did, and are
 * still read.
 *
 * @param phase            how far the pull got
 * @param fromGeneration   the pull generation the pending changes were captured in
 * @param revision         the revision being applied
 * @param databaseSizePages the database size at that revision
 * @param walLengthBefore  the committed length of the WAL before the remote pages were appended (cutting it back
 *                         to this length undoes the pull)
 * @param walFramesBefore  how many committed frames the WAL held then
 * @param changes          the pending local changes, as stored in the change log, in a journal of an older release;
 *                         none in a journal that {@linkplain #keepsPrefix() keeps its prefix}
 * @param carried          where pushes of earlier generations end in the changes' numbering, in a journal of an
 *                         older release (none in those before it, and in current ones)
 * @param keptInWal        true when the pull keeps its remote transaction in the WAL as the synced prefix, which
 *                         the metadata records with the pull; {@code null} in a journal of a release that did not
 *                         write the field (the releases before the prefix, which folded the WAL in, and the first
 *                         ones with it)
 */
public record RebaseJournal(Phase phase, long fromGeneration, String revision, long databaseSizePages,
                            long walLengthBefore, int walFramesBefore, List<LogRow> changes,
                            CarriedPositions carried, Boolean keptInWal) {

    /** How far the pull got. */
    public enum Phase {
        /**
         * Written before the remote pages are appended. The WAL then gets the remote pages and, when changes were
         * pending, their replay. Once the metadata records the pull only the checkpoint is left; before that, if
         * the last transaction committed the pull is finished, else it is undone.
         */
        PREPARED,
        /**
         * Only read: written by earlier versions once both transactions had committed and the new revert store
         * was on disk, so the pull is finished.
         */
        REPLAYED
    }

    /**
     * Validates the components.
     *
     * @param phase             see {@link #phase()}
     * @param fromGeneration    see {@link #fromGeneration()}
     * @param revision          see {@link #revision()}
     * @param databaseSizePages see {@link #databaseSizePages()}
     * @param walLengthBefore   see {@link #walLengthBefore()}
     * @param walFramesBefore   see {@link #walFramesBefore()}
     * @param changes           see {@link #changes()}
     * @param carried           see {@link #carried()}
     * @param keptInWal         see {@link #keptInWal()}
     */
    public RebaseJournal {
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(revision, "revision");
        changes = List.copyOf(changes);
        carried = carried == null ? CarriedPositions.NONE : carried;
    }

    /**
     * Whether the pull replays pending changes after its remote transaction: every current journal (one is written
     * only then), and an older release's journal that copied changes.
     *
     * @return whether a replay's commit follows the remote transaction
     */
    public boolean overPendingChanges() {
        return keepsPrefix() || !changes.isEmpty();
    }

    /**
     * Whether this journal's pull is known to keep its remote transaction in the WAL, so that once the metadata
     * records it nothing but deleting stale files is left to do, whatever a checkpoint did since.
     *
     * @return true for journals written with the field set
     */
    public boolean keepsPrefix() {
        return Boolean.TRUE.equals(keptInWal);
    }
}
