package dev.tursosync.internal.rebase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tursosync.SyncMetadataException;
import dev.tursosync.internal.capture.CarriedPositions;
import dev.tursosync.internal.io.ReplicaFiles;
import dev.tursosync.internal.io.SlottedFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rebase journal is kept once created and rewritten in place: a torn write reads as what was there before (no
 * journal, or an older pull's), never as anything else and never as an error, since a journal is written before its
 * pull touches the WAL.
 */
class JournalStoreTests {

    @TempDir
    Path folder;
    private Path database;
    private Path file;
    private JournalStore store;

    @BeforeEach
    void paths() {
        database = folder.resolve("app.db");
        file = ReplicaFiles.rebaseJournal(database);
        store = new JournalStore(database);
    }

    private static RebaseJournal journal(long generation) {
        return new RebaseJournal(RebaseJournal.Phase.PREPARED, generation, "rev-" + generation, 12,
                32 + generation * 4120, (int) generation, List.of(), CarriedPositions.NONE, true);
    }

    /** Created once, then written and removed in place: one file, the latest journal or none read back. */
    @Test
    void aJournalIsWrittenAndRemovedInPlaceAfterTheFirst() throws Exception {
        store.write(journal(1));
        Object inode = Files.getAttribute(file, "unix:ino");
        for (long generation = 2; generation <= 5; generation++) {
            assertThat(new JournalStore(database).read()).contains(journal(generation - 1));
            if (generation % 2 == 0) {
                store.deleteRecorded();
            } else {
                store.delete();
            }
            assertThat(new JournalStore(database).read()).isEmpty();
            assertThat(store.holdsJournal()).isFalse();
            store.write(journal(generation));
            assertThat(store.holdsJournal()).isTrue();
        }
        assertThat(Files.getAttribute(file, "unix:ino")).as("the same file all along").isEqualTo(inode);
        assertThat(Files.size(file)).isEqualTo(SlottedFile.FILE_BYTES);
    }

    /**
     * Every cut of a journal's write, from the front and from the back, reads as what the file held before (here no
     * journal) or as the new journal, never as an error: the slot it went to is damaged, and the other is whole. So
     * does every cut when the unforced removal before it never reached the disk (what the file held before is then
     * the older journal, which recovery tells by its generation): a new file's other slot is whole from the start.
     */
    @Test
    void aTornWriteReadsAsWhatWasThereBefore() throws Exception {
        store.write(journal(1));
        byte[] created = Files.readAllBytes(file);
        store.deleteRecorded();
        byte[] removed = Files.readAllBytes(file);
        store.write(journal(2));
        byte[] written = Files.readAllBytes(file);
        int target = changedSlot(removed, written);
        assertThat(target).as("a journal goes to the slot the removal did not write").isEqualTo(changedSlot(created,
                removed) == 0 ? 1 : 0);

        Random random = new Random(20);
        for (byte[] before : List.of(removed, created)) {
            Optional<RebaseJournal> old = before == removed ? Optional.empty() : Optional.of(journal(1));
            for (int cut = 0; cut <= SlottedFile.SLOT_BYTES; cut += 1 + random.nextInt(37)) {
                byte[] torn = before.clone();
                System.arraycopy(written, target * SlottedFile.SLOT_BYTES, torn, target * SlottedFile.SLOT_BYTES,
                        cut);
                assertReadAsBeforeOrAfter(torn, before, old);
                byte[] tail = before.clone();
                int from = target * SlottedFile.SLOT_BYTES + cut;
                System.arraycopy(written, from, tail, from, SlottedFile.SLOT_BYTES - cut);
                assertReadAsBeforeOrAfter(tail, before, old);
            }
        }
    }

    /** A journal of an older release, a whole file of plain JSON, is read, and its removal deletes the file. */
    @Test
    void anOlderReleasesJournalIsReadAndItsRemovalDeletesTheFile() throws Exception {
        Files.write(file, new ObjectMapper().writeValueAsBytes(journal(3)));

        assertThat(store.read()).contains(journal(3));
        store.delete();
        assertThat(file).doesNotExist();
        store.write(journal(4));
        assertThat(store.read()).contains(journal(4));
    }

    /** A file that holds nothing readable is an error that names it, and counts as a journal to recover. */
    @Test
    void anUnreadableJournalIsATypedErrorAndCountsAsAJournal() throws Exception {
        store.write(journal(1));
        byte[] damaged = Files.readAllBytes(file);
        damaged[25] ^= 1;
        damaged[SlottedFile.SLOT_BYTES + 25] ^= 1;
        for (byte[] content : List.of(damaged, "{\"phase\":\"PREP".getBytes())) {
            Files.write(file, content);
            assertThat(store.holdsJournal()).isTrue();
            assertThatThrownBy(store::read).isInstanceOf(SyncMetadataException.class)
                    .hasMessageContaining(file.toString()).hasMessageContaining("corrupt");
        }
    }

    private void assertReadAsBeforeOrAfter(byte[] content, byte[] before, Optional<RebaseJournal> old)
            throws Exception {
        Files.write(file, before);
        assertThat(store.read()).as("what the file held before").isEqualTo(old);
        Files.write(file, content);
        // the older journal is damaged or whole; if damaged, the new file's first slot (no journal) is read
        assertThat(store.read()).isIn(old, Optional.empty(), Optional.of(journal(2)));
    }

    /** The one slot in which two contents differ. */
    private static int changedSlot(byte[] before, byte[] after) {
        boolean first = !Arrays.equals(before, 0, SlottedFile.SLOT_BYTES, after, 0, SlottedFile.SLOT_BYTES);
        boolean second = !Arrays.equals(before, SlottedFile.SLOT_BYTES, SlottedFile.FILE_BYTES, after,
                SlottedFile.SLOT_BYTES, SlottedFile.FILE_BYTES);
        assertThat(first).as("exactly one slot changed").isNotEqualTo(second);
        return first ? 0 : 1;
    }
}
