package dev.tursosync.internal.rebase;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tursosync.SyncMetadataException;
import dev.tursosync.internal.io.AtomicFile;
import dev.tursosync.internal.io.ReplicaFiles;
import dev.tursosync.internal.io.SlottedFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads and writes the rebase journal {@code <db>-rebase} atomically and durably.
 *
 * <p>The file is kept once created: two checksummed slots ({@link SlottedFile}), rewritten in place, each holding a
 * journal or nothing (an empty body: no pull in progress). A write fills the slot that does not hold the latest and
 * forces the file's data once, so it creates, renames and forces no folder entry. A crash during a write damages only
 * that slot, and the other is read: a journal is written before its pull appends anything to the WAL, so the slot
 * read then (nothing, or an older pull's journal, which recovery tells by its generation) is right for the WAL. The
 * file is created with both slots whole (nothing, then the first journal) through a temporary file, a rename and a
 * forced folder. Journals of older releases, a whole file of plain JSON, are read as before and deleted once their
 * pull is finished or undone.
 */
public final class JournalStore {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    private static final SlottedFile SLOTS = new SlottedFile("tursosync-rebase v2 ");
    /** The body of a slot that holds no journal. */
    private static final byte[] NONE = new byte[0];

    private final Path file;

    /**
     * Creates the store of a database.
     *
     * @param database the database file
     */
    public JournalStore(Path database) {
        this.file = ReplicaFiles.rebaseJournal(database);
    }

    /**
     * Reads the journal.
     *
     * @return the journal, empty if none
     * @throws SyncMetadataException if the file exists but holds no journal or nothing readable
     */
    public Optional<RebaseJournal> read() {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new SyncMetadataException("cannot read the rebase journal " + file, e);
        }
        if (SLOTS.isSlotted(bytes)) {
            bytes = SLOTS.latest(bytes).orElseThrow(() -> corrupt(null)).body();
            if (bytes.length == 0) {
                return Optional.empty();
            }
        }
        try {
            return Optional.of(JSON.readValue(bytes, RebaseJournal.class));
        } catch (IOException | RuntimeException e) {
            throw corrupt(e);
        }
    }

    private SyncMetadataException corrupt(Exception cause) {
        return new SyncMetadataException("the rebase journal " + file + " is corrupt; it records where the WAL"
                + " ended before an interrupted pull, keep it and the database for recovery", cause);
    }

    /**
     * Whether a journal is there: a pull in progress, or a file that cannot be read (which {@link #read()} then
     * reports).
     *
     * @return whether recovery has to read the journal
     */
    public boolean holdsJournal() {
        try {
            return read().isPresent();
        } catch (SyncMetadataException e) {
            return true;
        }
    }

    /**
     * Replaces the journal, durably: in place, with one force of the file's data; the first time through a new file.
     *
     * @param journal the journal
     */
    public void write(RebaseJournal journal) {
        try {
            byte[] body = JSON.writeValueAsBytes(journal);
            if (body.length > SLOTS.maxBody()) {
                AtomicFile.write(file, body);
            } else if (!SLOTS.writeInPlace(file, body, true)) {
                AtomicFile.write(file, SLOTS.newFile(NONE, body));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the rebase journal " + file, e);
        }
    }

    /**
     * Removes the journal of a pull that the metadata records, without forcing anything. If a crash brings it back,
     * recovery finds its pull recorded (the metadata's generation is one past the journal's, or more after later
     * pulls) and only deletes it, or finishes it again while nothing but pushes and empty pulls came since (each step
     * is idempotent); see {@code PullApplier.recover}. The journals written after it go to the other slot, which
     * their forces make durable with them.
     */
    public void deleteRecorded() {
        remove(false);
    }

    /** Removes the journal durably: the pull it describes is finished or undone. */
    public void delete() {
        remove(true);
    }

    private void remove(boolean durably) {
        try {
            if (!SLOTS.writeInPlace(file, NONE, durably)) {
                // a whole file of plain JSON (an older release's journal), or none
                if (durably) {
                    AtomicFile.delete(file);
                } else {
                    Files.deleteIfExists(file);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the rebase journal " + file, e);
        }
    }
}
