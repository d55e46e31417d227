package dev.tursosync.bench.crash;

import dev.tursosync.SyncClient;
import dev.tursosync.internal.rebase.JournalStore;
import java.nio.file.Path;

/** The one client configuration of the suite: the child and the parent open the replica alike. */
final class CrashClients {

    /** The client name of the crashed replica. */
    static final String CLIENT_NAME = "crashsuite";
    /** A small automatic checkpoint threshold, so automatic checkpoints run between the explicit ones. */
    static final long AUTO_CHECKPOINT_WAL_BYTES = 256 * 1024;

    private CrashClients() {
    }

    /**
     * A client of the replica (not opened).
     *
     * @param db  the database file
     * @param url the remote
     * @return the client
     */
    static SyncClient replica(Path db, String url) {
        return SyncClient.builder().path(db).url(url).clientName(CLIENT_NAME)
                .autoCheckpointWalBytes(AUTO_CHECKPOINT_WAL_BYTES).build();
    }

    /**
     * Whether the rebase journal of a replica ({@code <db>-rebase}, kept once created) holds a journal: a pull was
     * being applied.
     *
     * @param db the database file
     * @return whether recovery has a journal to read
     */
    static boolean holdsJournal(Path db) {
        return new JournalStore(db).holdsJournal();
    }
}
