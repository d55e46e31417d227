package dev.tursosync.internal.pull;

import dev.tursosync.ChangeEvent;
import dev.tursosync.internal.meta.SyncMetadata.WalPrefix;
import dev.tursosync.internal.rebase.RebaseJournal;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A pull written to the replica but not recorded yet, as {@link PullApplier#apply} or {@link PullApplier#recover}
 * hands it back: wait until its WAL transaction is durable ({@link #walForce()}), record its revision and
 * generation in the metadata (the pull's point of no return), then pass it to {@link PullApplier#finish(AppliedPull)}.
 *
 * @param revision       the revision the metadata must record
 * @param nextGeneration the pull generation the metadata must record
 * @param journal        the rebase journal that {@code finish} completes; empty for the first pull into an empty
 *                       database and for a pull over no pending change, which have none
 * @param syncedWal      the WAL prefix that now holds the synced state, for the metadata to record; {@code null} when
 *                       the file (and the revert store) will hold it once {@code finish} ran
 * @param foldIn         whether {@code finish} folds the WAL into the file (a pull over no pending change keeps its
 *                       pages in the WAL until the WAL passes a size)
 * @param events         the change events of the remote changes; empty for a pull that recovery finishes (its
 *                       events were not decoded by this process)
 * @param walForce       the force of its WAL transaction, to wait for before the metadata records it: a pull over no
 *                       pending change appends it without a force and starts the force at once, on another thread,
 *                       so that it runs while the events are decoded; {@link StartedStep#DONE} for the others
 * @param keeping        the window's connections being made ready for the pool (opened, capture installed), which a
 *                       pull over no pending change that keeps its pages in the WAL starts as soon as its transaction
 *                       is appended; empty when the caller makes them ready itself, after the finish
 */
public record AppliedPull(String revision, long nextGeneration, Optional<RebaseJournal> journal,
                          WalPrefix syncedWal, boolean foldIn, List<ChangeEvent> events,
                          StartedStep walForce, Optional<StartedStep> keeping) {

    /**
     * Validates and copies the components.
     *
     * @param revision       see {@link #revision()}
     * @param nextGeneration see {@link #nextGeneration()}
     * @param journal        see {@link #journal()}
     * @param syncedWal      see {@link #syncedWal()}
     * @param foldIn         see {@link #foldIn()}
     * @param events         see {@link #events()}
     * @param walForce       see {@link #walForce()}
     * @param keeping        see {@link #keeping()}
     */
    public AppliedPull {
        Objects.requireNonNull(revision, "revision");
        Objects.requireNonNull(journal, "journal");
        Objects.requireNonNull(walForce, "walForce");
        Objects.requireNonNull(keeping, "keeping");
        events = List.copyOf(events);
    }

    /** The pull a journal of an older version describes, once its WAL transactions committed. */
    static AppliedPull of(RebaseJournal journal, List<ChangeEvent> events) {
        return new AppliedPull(journal.revision(), journal.fromGeneration() + 1, Optional.of(journal), null, true,
                events, StartedStep.DONE, Optional.empty());
    }
}
