package dev.tursosync.internal.meta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tursosync.SyncMetadataException;
import dev.tursosync.internal.io.ReplicaFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetadataStoreTests {

    @TempDir
    Path folder;

    private static SyncMetadata metadata(long generation) {
        return new SyncMetadata(SyncMetadata.CURRENT_VERSION, "app-0f6c1d2e-3b4a-4c5d-8e9f-0a1b2c3d4e5f",
                "rev-" + generation, Instant.parse("2026-12-07T06:00:00Z"), null, null,
                new SyncMetadata.SavedConfiguration("http://127.0.0.1:8080", "app"), generation,
                new SyncMetadata.WalPrefix((int) generation, 12, 3, 4, 5, 6));
    }

    /** Written once through a new file, then in place: one file, two slots, the latest read back. */
    @Test
    void writesAfterTheFirstGoInPlaceAndTheLatestIsRead() throws Exception {
        Path database = folder.resolve("app.db");
        MetadataStore store = new MetadataStore(database);
        store.write(metadata(1));
        Object inode = Files.getAttribute(store.file(), "unix:ino");
        for (long generation = 2; generation <= 5; generation++) {
            store.write(metadata(generation));
            assertThat(new MetadataStore(database).read()).contains(metadata(generation));
        }
        assertThat(Files.getAttribute(store.file(), "unix:ino")).as("rewritten in place, not renamed").isEqualTo(inode);
        assertThat(Files.size(store.file())).isEqualTo(MetadataSlots.FILE_BYTES);
        assertThat(ReplicaFiles.temporaryOf(store.file())).doesNotExist();
        assertThat(Files.readString(store.file())).as("still text").contains("\"revision\":\"rev-5\"");
    }

    /** Metadata of an earlier version, plain JSON, is read, and the first write converts it. */
    @Test
    void plainJsonOfEarlierVersionsIsReadAndConverted() throws Exception {
        Path database = folder.resolve("app.db");
        MetadataStore store = new MetadataStore(database);
        Files.writeString(store.file(), "{\"version\":1,\"client_id\":\"app-1\",\"revision\":\"r9\","
                + "\"last_pushed_change\":4,\"pull_generation\":3,\"synced_wal\":null}");
        assertThat(store.read()).hasValueSatisfying(read -> {
            assertThat(read.revision()).isEqualTo("r9");
            assertThat(read.pullGeneration()).isEqualTo(3);
        });
        store.write(metadata(4));
        assertThat(MetadataSlots.isSlotted(Files.readAllBytes(store.file()))).isTrue();
        assertThat(store.read()).contains(metadata(4));
    }

    /**
     * A crash during an in-place write can only damage the slot being written: whatever it holds then (the old
     * bytes, any mix of old and new, a cut), the read gives the previous metadata or the new one, never anything
     * else, and the next write works.
     */
    @Test
    void aTornSlotReadsAsThePreviousMetadata() throws Exception {
        MetadataStore store = writtenTwice();
        byte[] before = Files.readAllBytes(store.file());
        store.write(metadata(3));
        byte[] after = Files.readAllBytes(store.file());
        int target = MetadataSlots.latest(after).orElseThrow().index();
        byte[] next = Arrays.copyOfRange(after, target * MetadataSlots.SLOT_BYTES,
                (target + 1) * MetadataSlots.SLOT_BYTES);
        Random random = new Random(20261207);
        List<SyncMetadata> seen = new ArrayList<>();
        for (int cut = 0; cut <= MetadataSlots.SLOT_BYTES; cut += 1 + random.nextInt(37)) {
            byte[] torn = before.clone();
            // the first `cut` bytes of the new slot reached the disk, the rest is the old slot's
            System.arraycopy(next, 0, torn, target * MetadataSlots.SLOT_BYTES, cut);
            Files.write(store.file(), torn);
            SyncMetadata read = store.read().orElseThrow();
            assertThat(read).as("cut at %d", cut).isIn(metadata(2), metadata(3));
            seen.add(read);
            // and the other way round: the bytes from `cut` on reached the disk, those before did not
            byte[] tail = before.clone();
            System.arraycopy(next, cut, tail, target * MetadataSlots.SLOT_BYTES + cut, MetadataSlots.SLOT_BYTES - cut);
            Files.write(store.file(), tail);
            assertThat(store.read().orElseThrow()).as("new from %d on", cut).isIn(metadata(2), metadata(3));
        }
        assertThat(seen).contains(metadata(2), metadata(3));
        for (int round = 0; round < 200; round++) {
            byte[] torn = before.clone();
            int from = target * MetadataSlots.SLOT_BYTES + random.nextInt(MetadataSlots.SLOT_BYTES);
            torn[from] ^= (byte) (1 + random.nextInt(255));
            Files.write(store.file(), torn);
            assertThat(store.read()).as("a damaged byte at %d", from).contains(metadata(2));
        }
        store.write(metadata(4));
        assertThat(store.read()).contains(metadata(4));
    }

    /** A file with no whole slot (both damaged, or cut short) is refused with a typed error, never misread. */
    @Test
    void aFileWithoutAWholeSlotIsRefused() throws Exception {
        MetadataStore store = writtenTwice();
        byte[] whole = Files.readAllBytes(store.file());
        byte[] damaged = whole.clone();
        damaged[200] ^= 1;
        damaged[MetadataSlots.SLOT_BYTES + 200] ^= 1;
        Files.write(store.file(), damaged);
        assertThatThrownBy(store::read).isInstanceOf(SyncMetadataException.class).hasMessageContaining("corrupt");
        // a write in place never changes the size: a file cut short was damaged otherwise, and is refused
        for (int length : new int[] {0, 10, 100, MetadataSlots.SLOT_BYTES - 1, MetadataSlots.SLOT_BYTES + 100,
                MetadataSlots.FILE_BYTES - 1}) {
            Files.write(store.file(), Arrays.copyOf(whole, length));
            assertThatThrownBy(store::read).as("cut to %d bytes", length).isInstanceOf(SyncMetadataException.class);
        }
    }

    /** Metadata too large for a slot (a very long URL) is written as plain JSON through a new file, and read. */
    @Test
    void metadataLargerThanASlotIsWrittenAsPlainJson() throws Exception {
        Path database = folder.resolve("app.db");
        MetadataStore store = new MetadataStore(database);
        store.write(metadata(1));
        SyncMetadata large = new SyncMetadata(SyncMetadata.CURRENT_VERSION, "app-1", "r", null, null, null,
                new SyncMetadata.SavedConfiguration("http://h/" + "p".repeat(5000), "app"), 2, null);
        store.write(large);
        assertThat(Files.readString(store.file(), StandardCharsets.UTF_8)).startsWith("{");
        assertThat(store.read()).contains(large);
        store.write(metadata(3));
        assertThat(store.read()).contains(metadata(3));
    }

    /** A store of {@code app.db} with {@code metadata(1)}, then {@code metadata(2)}, written through it. */
    private MetadataStore writtenTwice() {
        MetadataStore store = new MetadataStore(folder.resolve("app.db"));
        store.write(metadata(1));
        store.write(metadata(2));
        return store;
    }
}
