package dev.tursosync.internal.rebase;

import dev.tursosync.internal.capture.LogRow;
import java.util.List;
import java.util.Objects;

/**
 * The durable record of a pull being applied, written before the first byte of it reaches the WAL.
 *
 * <p>It keeps the pending local changes (they leave the database when the remote pages go on top) and where the
 * WAL stood before, so that the next open can tell how far the pull got and finish or undo it.
 *
 * @param phase            how far the pull got
 * @param fromGeneration   the pull generation the pending changes were captured in
 * @param revision         the revision being applied
 * @param databaseSizePages the database size at that revision
 * @param walLengthBefore  the committed length of the WAL before the remote pages were appended (cutting it back
 *                         to this length undoes the pull)
 * @param walFramesBefore  how many committed frames the WAL held then
 * @param changes          the pending local changes, as stored in the change log
 */
public record RebaseJournal(Phase phase, long fromGeneration, String revision, long databaseSizePages,
                            long walLengthBefore, int walFramesBefore, List<LogRow> changes) {

    /** How far the pull got. */
    public enum Phase {
        /**
         * Written before the remote pages are appended. The WAL then gets two transactions: the remote pages, then
         * the replay of the local changes. If both committed the pull is finished, else it is undone.
         */
        PREPARED,
        /**
         * Both transactions committed and the new revert store is on disk; what is left (installing the store,
         * the checkpoint, the metadata) is redone until it is done.
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
     */
    public RebaseJournal {
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(revision, "revision");
        changes = List.copyOf(changes);
    }

    /**
     * The same journal in another phase.
     *
     * @param next the phase
     * @return the journal
     */
    public RebaseJournal withPhase(Phase next) {
        return new RebaseJournal(next, fromGeneration, revision, databaseSizePages, walLengthBefore, walFramesBefore,
                changes);
    }
}
