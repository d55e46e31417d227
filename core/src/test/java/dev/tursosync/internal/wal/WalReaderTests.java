package dev.tursosync.internal.wal;

import static dev.tursosync.internal.wal.TestWal.frameSize;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The resuming reader against the full scan: after any sequence of appends, restarts, truncations, rewritten
 * frames and torn tails, a read gives exactly what {@link WalFrames#read} gives for the file as it is.
 */
final class WalReaderTests {

    private static final int PS = 1024;

    @TempDir
    Path dir;

    /**
     * A log as SQLite and the pull write it: one generation (header, salts) at a time, frames only ever appended
     * after the last commit or rewritten after it, a restart writing a new header over the old file without
     * shortening it. The model is rewritten to the file from offset 0 without truncation, byte for byte what is
     * already there for the frames that did not change.
     */
    private static final class Log {
        private final Path file;
        private final Random random;
        private final boolean bigEndian;
        private int checkpointSequence;
        private int salt1;
        private int salt2;
        private final List<WalFrame> frames = new ArrayList<>();
        private int committed;   // frames up to the last commit in the model
        private int version;

        Log(Path file, Random random, boolean bigEndian) {
            this.file = file;
            this.random = random;
            this.bigEndian = bigEndian;
            this.salt1 = random.nextInt();
            this.salt2 = random.nextInt();
        }

        private WalFrame frame(int commitSize) {
            return TestWal.frame(PS, 1 + random.nextInt(40), commitSize, ++version);
        }

        void commit(int count) throws IOException {
            for (int i = 1; i < count; i++) {
                frames.add(frame(0));
            }
            frames.add(frame(1 + random.nextInt(50)));
            committed = frames.size();
            write();
        }

        void uncommitted(int count) throws IOException {
            for (int i = 0; i < count; i++) {
                frames.add(frame(0));
            }
            write();
        }

        /** SQLite's rollback of a transaction that spilled: the next transaction rewrites its frames. */
        void rollBack() {
            frames.subList(committed, frames.size()).clear();
        }

        /** SQLite's restart after a complete checkpoint: first salt + 1, a random second one, the next sequence. */
        void restart() {
            frames.clear();
            committed = 0;
            checkpointSequence++;
            salt1++;
            salt2 = random.nextInt();
        }

        void truncate(long length) throws IOException {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                channel.truncate(length);
            }
        }

        void tear(int bytes) throws IOException {
            byte[] tail = new byte[bytes];
            random.nextBytes(tail);
            Files.write(file, tail, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }

        void write() throws IOException {
            byte[] image = TestWal.build(bigEndian, PS, checkpointSequence, salt1, salt2, frames);
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap(image), 0);
            }
        }
    }

    /** A log of the given transactions (so many frames each). */
    private Log log(long seed, boolean bigEndian, int... transactions) throws IOException {
        Log log = new Log(dir.resolve("db-wal"), new Random(seed), bigEndian);
        for (int frames : transactions) {
            log.commit(frames);
        }
        return log;
    }

    /** A reader that has read the log once. */
    private static WalReader readerThatRead(Log log) {
        WalReader reader = new WalReader(log.file);
        reader.read();
        return reader;
    }

    private static void assertSameAsFullScan(WalFrames read, Path file, String step) {
        WalFrames full = WalFrames.read(file);
        assertThat(read.scan()).as(step).isEqualTo(full.scan());
        assertThat(read.count()).as(step).isEqualTo(full.count());
        for (int frame = 1; frame <= full.count(); frame++) {
            assertThat(read.pageNumber(frame)).as("%s, frame %d", step, frame).isEqualTo(full.pageNumber(frame));
            assertThat(read.commitSize(frame)).as("%s, frame %d", step, frame).isEqualTo(full.commitSize(frame));
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void aReadAfterAnySequenceOfWritesEqualsTheFullScan(long seed) throws IOException {
        Random random = new Random(seed);
        Path file = dir.resolve("db-wal");
        Log log = new Log(file, random, seed % 2 == 0);
        WalReader reader = new WalReader(file);
        assertSameAsFullScan(reader.read(), file, "missing");
        for (int step = 0; step < 150; step++) {
            int kind = random.nextInt(100);
            String what;
            if (kind < 45) {
                what = "commit";
                log.commit(1 + random.nextInt(6));
            } else if (kind < 60) {
                what = "uncommitted frames";
                log.uncommitted(1 + random.nextInt(4));
            } else if (kind < 70) {
                what = "rollback, then a commit over the rolled-back frames";
                log.rollBack();
                log.commit(1 + random.nextInt(3));
            } else if (kind < 78) {
                what = "restart, then a commit";
                log.restart();
                log.commit(1 + random.nextInt(5));
            } else if (kind < 84) {
                what = "torn tail";
                log.tear(1 + random.nextInt(frameSize(PS) - 1));
            } else if (kind < 90) {
                what = "truncated to zero (checkpoint), then a commit";
                log.truncate(0);
                log.restart();
                log.commit(1 + random.nextInt(5));
            } else if (kind < 95) {
                long size = Files.exists(file) ? Files.size(file) : 0;
                long length = size == 0 ? 0 : (long) (random.nextDouble() * size);
                what = "truncated to " + length + " of " + size;
                log.truncate(length);
            } else {
                what = "no change";
            }
            assertSameAsFullScan(reader.read(), file, "step " + step + ": " + what);
        }
    }

    @Test
    void continuesWithoutRereadingTheCommittedPartUntilForgotten() throws IOException {
        Log log = log(11, false, 3);
        Path file = log.file;
        WalReader reader = new WalReader(file);
        WalFrames first = reader.read();
        log.commit(2);
        flipPageByte(file, 1);   // only a full scan reads frame 1's page again

        WalFrames resumed = reader.read();

        assertThat(resumed.count()).isEqualTo(5);
        assertThat(resumed.scan().transactions()).isEqualTo(2);
        assertThat(WalFrames.read(file).count()).isZero();
        assertThat(first.count()).isEqualTo(3);
        reader.forget();
        assertSameAsFullScan(reader.read(), file, "after forget");
    }

    @Test
    void aRewriteBeforeTheKeptEndIsAFullScanAndOneAtItContinues() throws IOException {
        Log log = log(12, false, 3);
        Path file = log.file;
        WalReader reader = new WalReader(file);
        WalScan before = reader.read().scan();
        log.commit(2);
        reader.read();
        flipPageByte(file, 1);

        reader.rewriting(before);   // the kept read reaches past the given one's committed part

        assertSameAsFullScan(reader.read(), file, "after a rewrite notice before the kept end");
        flipPageByte(file, 1);
        WalScan atEnd = reader.read().scan();
        flipPageByte(file, 1);
        reader.rewriting(atEnd);
        assertThat(reader.read().count()).as("still continues: the damage is not reread").isEqualTo(5);
    }

    @Test
    void aRestartWithNewSaltsOverALongerOldLogIsAFullScan() throws IOException {
        Log log = log(13, false, 6);
        WalReader reader = readerThatRead(log);
        log.restart();
        log.commit(2);   // the old generation's frames 3 to 6 stay behind it

        WalFrames read = reader.read();

        assertThat(read.count()).isEqualTo(2);
        assertThat(read.scan().stopReason()).isEqualTo("salt mismatch at frame 3");
        assertSameAsFullScan(read, log.file, "restart");
    }

    @Test
    void aTruncationBelowTheKeptEndIsAFullScan() throws IOException {
        Log log = log(14, false, 2, 3);
        WalReader reader = readerThatRead(log);
        log.truncate(32 + 3L * frameSize(PS) + 100);   // inside the second transaction

        WalFrames read = reader.read();

        assertThat(read.count()).isEqualTo(2);
        assertSameAsFullScan(read, log.file, "truncated");
    }

    @Test
    void aRewrittenLastCommitFrameIsAFullScan() throws IOException {
        Log log = log(15, false, 2, 3);
        WalReader reader = readerThatRead(log);
        // the second transaction replaced by another of the same length, as a cut-back nobody was told of would
        log.frames.subList(2, 5).clear();
        log.committed = 2;
        log.commit(3);

        WalFrames read = reader.read();

        assertSameAsFullScan(read, log.file, "rewritten");
        assertThat(read.pageNumber(5)).isEqualTo(log.frames.get(4).pageNumber());
    }

    @Test
    void aTornTailStopsWhereTheFullScanStopsAndTheNextCommitContinues() throws IOException {
        Log log = log(16, true, 2);
        WalReader reader = readerThatRead(log);
        log.uncommitted(1);
        log.tear(700);

        WalFrames torn = reader.read();

        assertThat(torn.scan().stopReason()).isEqualTo("torn frame 4 (700 of " + frameSize(PS) + " bytes)");
        assertSameAsFullScan(torn, log.file, "torn");
        log.commit(1);   // over the uncommitted frame and the torn bytes
        assertSameAsFullScan(reader.read(), log.file, "committed over the torn tail");
    }

    /** Flips a byte of a frame's page: a change only the checksum chain, read from that frame on, can see. */
    private static void flipPageByte(Path file, int frame) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long at = 32 + (long) (frame - 1) * frameSize(PS) + 24 + 100;
            ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, at);
            one.put(0, (byte) (one.get(0) ^ 1));
            channel.write(one.rewind(), at);
        }
    }
}
