package dev.tursosync.internal.rebase;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tursosync.SyncMetadataException;
import dev.tursosync.internal.io.AtomicFile;
import dev.tursosync.internal.io.ReplicaFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/** Reads and writes the rebase journal {@code <db>-rebase} atomically and durably. */
public final class JournalStore {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

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
     * @throws SyncMetadataException if the file exists but is not a journal
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
        try {
            return Optional.of(JSON.readValue(bytes, RebaseJournal.class));
        } catch (IOException | RuntimeException e) {
            throw new SyncMetadataException("the rebase journal " + file + " is corrupt; it records where the WAL"
                    + " ended before an interrupted pull, keep it and the database for recovery", e);
        }
    }

    /**
     * Whether a journal exists.
     *
     * @return whether the file exists
     */
    public boolean exists() {
        return Files.exists(file);
    }

    /**
     * Replaces the journal.
     *
     * @param journal the journal
     */
    public void write(RebaseJournal journal) {
        try {
            AtomicFile.write(file, JSON.writeValueAsBytes(journal));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the rebase journal " + file, e);
        }
    }

    /**
     * Removes the journal of a pull that the metadata records, without forcing the folder. If a crash brings it back,
     * recovery finds its pull recorded (the metadata's generation is one past the journal's, or more after later
     * pulls) and only deletes it, or finishes it again while nothing but pushes and empty pulls came since (each step
     * is idempotent); see {@code PullApplier.recover}.
     */
    public void deleteRecorded() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the rebase journal " + file, e);
        }
    }

    /** Removes the journal: the pull it describes is finished or undone. */
    public void delete() {
        try {
            AtomicFile.delete(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the rebase journal " + file, e);
        }
    }
}
