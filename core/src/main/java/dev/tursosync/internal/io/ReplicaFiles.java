package dev.tursosync.internal.io;

import java.nio.file.Path;

/**
 * Every file the client keeps beside a replica's database file, named in one place. {@code docs/sync-client.md}
 * ("Files") says what each one holds and when it exists.
 */
public final class ReplicaFiles {

    /** The prefix of the staged pulls' file names, after the database's own name. */
    private static final String PULL_STAGE = "-changes-";

    private ReplicaFiles() {
    }

    /**
     * SQLite's write-ahead log.
     *
     * @param database the database file
     * @return {@code <db>-wal}
     */
    public static Path wal(Path database) {
        return beside(database, "-wal");
    }

    /**
     * SQLite's shared-memory index of the WAL.
     *
     * @param database the database file
     * @return {@code <db>-shm}
     */
    public static Path shm(Path database) {
        return beside(database, "-shm");
    }

    /**
     * The sync metadata (revision, client id, last pull and push).
     *
     * @param database the database file
     * @return {@code <db>-info}
     */
    public static Path metadata(Path database) {
        return beside(database, "-info");
    }

    /**
     * The revert store: the synced images of the pages local changes wrote.
     *
     * @param database the database file
     * @return {@code <db>-revert}
     */
    public static Path revertStore(Path database) {
        return beside(database, "-revert");
    }

    /**
     * The revert store a pull writes for its new synced state, before it replaces {@link #revertStore(Path)}.
     *
     * @param database the database file
     * @return {@code <db>-revert.next}
     */
    public static Path nextRevertStore(Path database) {
        return beside(database, "-revert.next");
    }

    /**
     * The rebase journal of a pull in progress.
     *
     * @param database the database file
     * @return {@code <db>-rebase}
     */
    public static Path rebaseJournal(Path database) {
        return beside(database, "-rebase");
    }

    /**
     * The file that marks the replica as owned by one client (its name only: the lock resolves the folder's real
     * path first, so that two spellings of one replica share one lock).
     *
     * @param database the database file
     * @return {@code <db>-lock}
     */
    public static String lockName(Path database) {
        return database.getFileName() + "-lock";
    }

    /**
     * A bootstrap's download, installed as the database once it is complete and checked.
     *
     * @param database the database file
     * @return {@code <db>.bootstrap}
     */
    public static Path bootstrap(Path database) {
        return beside(database, ".bootstrap");
    }

    /**
     * The whole database a first pull into an empty replica writes, installed once it is complete and checked.
     *
     * @param database the database file
     * @return {@code <db>.pulled}
     */
    public static Path pulledDatabase(Path database) {
        return beside(database, ".pulled");
    }

    /**
     * The stage of a pull whose pages do not fit in memory.
     *
     * @param database the database file
     * @param number   a number unique within the client's life
     * @return {@code <db>-changes-<number>}
     */
    public static Path pullStage(Path database, long number) {
        return beside(database, PULL_STAGE + number);
    }

    /**
     * Whether a file in the replica's folder is a pull stage (left behind by a stopped process).
     *
     * @param database the database file
     * @param file     a file in its folder
     * @return whether it is a stage of this replica
     */
    public static boolean isPullStage(Path database, Path file) {
        return file.getFileName().toString().startsWith(database.getFileName() + PULL_STAGE);
    }

    /**
     * A file written whole before it replaces {@code file}.
     *
     * @param file the file it will replace
     * @return {@code <file>.part}
     */
    public static Path partOf(Path file) {
        return beside(file, ".part");
    }

    /**
     * A temporary copy of a file that is replaced atomically.
     *
     * @param file the file it will replace
     * @return {@code <file>.tmp}
     */
    public static Path temporaryOf(Path file) {
        return beside(file, ".tmp");
    }

    private static Path beside(Path file, String suffix) {
        return file.resolveSibling(file.getFileName() + suffix);
    }
}
