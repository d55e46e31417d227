package dev.tursosync.internal.meta;

import java.time.Instant;
import java.util.Objects;

/**
 * What the client keeps next to its database in {@code <db>-info}. Never holds a credential.
 *
 * @param version          format version, {@link #CURRENT_VERSION}
 * @param clientId         this replica's unique id: client name, a dash, a random UUID
 * @param revision         the remote revision the database mirrors, or {@code null} before the first pull
 * @param lastPull         when the last pull completed, or {@code null}
 * @param lastPush         when the last push completed, or {@code null}
 * @param pendingPull      a pull recorded as pending by an earlier version, or {@code null}
 * @param configuration    the configuration the client was opened with
 * @param pullGeneration   how many pulls replaced the local database (and restarted the change log's numbering);
 *                         pushes record it on the remote next to the change id, as the official clients do
 * @param syncedWal        the prefix of the WAL that belongs to the synced state (the last pull's pages, kept in
 *                         the WAL rather than folded into the file), or {@code null} when the file and the revert
 *                         store alone are the synced state (metadata written before the field existed reads so)
 */
public record SyncMetadata(int version, String clientId, String revision, Instant lastPull, Instant lastPush,
                           PendingPull pendingPull, SavedConfiguration configuration,
                           long pullGeneration, WalPrefix syncedWal) {

    /** The format this client writes. */
    public static final int CURRENT_VERSION = 1;

    /**
     * Validates.
     *
     * @param version          format version, {@link #CURRENT_VERSION}
     * @param clientId         this replica's unique id: client name, a dash, a random UUID
     * @param revision         the remote revision the database mirrors, or {@code null} before the first pull
     * @param lastPull         when the last pull completed, or {@code null}
     * @param lastPush         when the last push completed, or {@code null}
         * @param pendingPull      a pull recorded as pending by an earlier version, or {@code null}
     * @param configuration    the configuration the client was opened with
     * @param pullGeneration   how many pulls replaced the local database (and restarted the change log's numbering);
     *                         pushes record it on the remote next to the change id, as the official clients do
     * @param syncedWal        the synced prefix of the WAL, or {@code null}
     */
    public SyncMetadata {
        Objects.requireNonNull(clientId, "clientId");
    }

    /**
     * A pull recorded as pending by earlier versions of the client, which applied it again after a crash. Pulls are
     * now recovered through the rebase journal; a record found here is only cleared (with its staged pages), and the
     * next pull fetches the changes again.
     *
     * @param revision          the revision the staged pages belong to
     * @param databaseSizePages the database size at that revision
     * @param pageCount         how many pages are staged
     */
    public record PendingPull(String revision, long databaseSizePages, long pageCount) {
    }

    /**
     * A prefix of the WAL that belongs to the synced state: its frames (the latest frame of each page up to the
     * last one) lie over the database file. It is identified by the WAL header's salts and the cumulative checksum
     * of its last frame, a commit frame, so a WAL that a checkpoint emptied or restarted no longer matches it (see
     * {@code SyncedPrefix} in the rebase package).
     *
     * @param frames     how many frames from the start of the WAL
     * @param sizePages  the database size the last frame records (the synced size)
     * @param salt1      the WAL header's first salt
     * @param salt2      the WAL header's second salt
     * @param checksum1  the first half of the last frame's cumulative checksum
     * @param checksum2  the second half
     */
    public record WalPrefix(int frames, int sizePages, int salt1, int salt2, int checksum1, int checksum2) {
    }

    /**
     * Configuration saved for reference and to detect a replica opened against another remote.
     *
     * @param url        the remote URL, normalised
     * @param clientName the client name
     */
    public record SavedConfiguration(String url, String clientName) {
    }

    /**
     * A copy with a pending pull set or cleared.
     *
     * @param pending the pending pull, or {@code null}
     * @return the copy
     */
    public SyncMetadata withPendingPull(PendingPull pending) {
        return new SyncMetadata(version, clientId, revision, lastPull, lastPush, pending,
                configuration, pullGeneration, syncedWal);
    }

    /**
     * A copy after a completed pull: new revision, pull time, no pending pull.
     *
     * @param newRevision the revision now mirrored
     * @param at          when the pull completed
     * @return the copy
     */
    public SyncMetadata pulled(String newRevision, Instant at) {
        return new SyncMetadata(version, clientId, newRevision, at, lastPush, null, configuration,
                pullGeneration, syncedWal);
    }

    /**
     * After a pull was applied and the pending local changes replayed: the new revision, the new generation (the
     * replayed changes were captured again with new ids), nothing pushed in it yet.
     *
     * @param newRevision   the pulled revision
     * @param newGeneration the generation of the replayed changes
     * @param newSyncedWal  the WAL prefix that holds the pulled state, or {@code null} when the file and the
     *                      revert store hold it (the pull folded its pages into the file)
     * @param at            when
     * @return the new metadata
     */
    public SyncMetadata rebased(String newRevision, long newGeneration, WalPrefix newSyncedWal, Instant at) {
        return new SyncMetadata(version, clientId, newRevision, at, lastPush, null, configuration,
                newGeneration, newSyncedWal);
    }

    /**
     * A copy in the next pull generation, nothing pushed in it yet: recorded before a pull over nothing pending writes
     * its pages, which drop the change log (the remote has none), so that the ids of the log created after it, which
     * start again from 1, are never paired with a generation whose ids the remote may already record as pushed.
     *
     * @return the copy
     */
    public SyncMetadata nextGeneration() {
        return new SyncMetadata(version, clientId, revision, lastPull, lastPush, pendingPull, configuration,
                pullGeneration + 1, syncedWal);
    }

    /**
     * A copy after a push. Which changes the remote has is the remote's to say (its
     * {@code turso_sync_last_change_id} table), so only the time is kept here.
     *
     * @param at when the push completed
     * @return the copy
     */
    public SyncMetadata pushed(Instant at) {
        return new SyncMetadata(version, clientId, revision, lastPull, at, pendingPull, configuration,
                pullGeneration, syncedWal);
    }

    /**
     * A copy after a checkpoint folded the WAL into the file: no synced prefix any more.
     *
     * @return the copy
     */
    public SyncMetadata folded() {
        return new SyncMetadata(version, clientId, revision, lastPull, lastPush, pendingPull,
                configuration, pullGeneration, null);
    }
}
