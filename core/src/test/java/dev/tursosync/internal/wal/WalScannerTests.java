package dev.tursosync.internal.wal;

import static dev.tursosync.internal.wal.TestWal.frame;
import static dev.tursosync.internal.wal.TestWal.frameSize;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tursosync.internal.wal.WalScan.HeaderStatus;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The scanner on synthetic logs (every kind of damage) and against SQLite's own view of a live log. */
final class WalScannerTests {

    private static final int PS = 1024;
    private static final int SALT1 = 0x11223344;
    private static final int SALT2 = 0x55667788;

    @TempDir
    Path dir;

    private Path write(byte[] bytes) throws IOException {
        Path file = dir.resolve("x.db-wal");
        Files.write(file, bytes);
        return file;
    }

    /** Two transactions: pages 1,2,3 (commit, size 5), then pages 2,4 (commit, size 6). */
    private static List<WalFrame> twoTransactions() {
        return List.of(frame(PS, 1, 0, 1), frame(PS, 2, 0, 1), frame(PS, 3, 5, 1),
                frame(PS, 2, 0, 2), frame(PS, 4, 6, 2));
    }

    @Test
    void aMissingFileIsAnEmptyLog() {
        WalScan scan = WalScanner.scan(dir.resolve("none.db-wal"));

        assertThat(scan.headerStatus()).isEqualTo(HeaderStatus.MISSING);
        assertThat(scan.header()).isNull();
        assertThat(scan.validFrames()).isZero();
        assertThat(scan.lastCommitFrame()).isZero();
        assertThat(scan.fileSize()).isZero();
        assertThat(scan.committedPages()).isEmpty();
        assertThat(scan.readPage(1)).isEmpty();
    }

    @Test
    void zeroBytesShortHeadersAndZeroFilledFilesAreEmpty() throws IOException {
        byte[] header = TestWal.build(false, PS, 0, SALT1, SALT2, List.of());
        for (byte[] bytes : List.of(new byte[0], Arrays.copyOf(header, 31), new byte[3 * PS])) {
            WalScan scan = WalScanner.scan(write(bytes));

            assertThat(scan.headerStatus()).as("%d bytes", bytes.length).isEqualTo(HeaderStatus.EMPTY);
            assertThat(scan.fileSize()).isEqualTo(bytes.length);
            assertThat(scan.tailLength()).isEqualTo(bytes.length);
            assertThat(scan.validFrames()).isZero();
        }
    }

    @Test
    void aHeaderOnlyLogHasNoFramesAndChainsFromTheHeaderChecksum() throws IOException {
        WalScan scan = WalScanner.scan(write(TestWal.build(false, PS, 7, SALT1, SALT2, List.of())));

        assertThat(scan.headerStatus()).isEqualTo(HeaderStatus.VALID);
        assertThat(scan.header()).isEqualTo(new WalHeader(0x377f0682, 3007000, PS, 7, SALT1, SALT2,
                scan.header().checksum1(), scan.header().checksum2()));
        assertThat(scan.validFrames()).isZero();
        assertThat(scan.lastCommitFrame()).isZero();
        assertThat(scan.committedLength()).isEqualTo(32);
        assertThat(scan.commitChecksum1()).isEqualTo(scan.header().checksum1());
        assertThat(scan.commitChecksum2()).isEqualTo(scan.header().checksum2());
        assertThat(scan.stopReason()).isEqualTo("end of file");
    }

    @ParameterizedTest(name = "bigEndian={0}")
    @ValueSource(booleans = {false, true})
    void committedTransactionsInBothChecksumByteOrders(boolean bigEndian) throws IOException {
        byte[] bytes = TestWal.build(bigEndian, PS, 0, SALT1, SALT2, twoTransactions());
        WalScan scan = WalScanner.scan(write(bytes));

        assertThat(scan.headerStatus()).isEqualTo(HeaderStatus.VALID);
        assertThat(scan.header().bigEndianChecksums()).isEqualTo(bigEndian);
        assertThat(scan.validFrames()).isEqualTo(5);
        assertThat(scan.lastCommitFrame()).isEqualTo(5);
        assertThat(scan.transactions()).isEqualTo(2);
        assertThat(scan.dbSizePages()).isEqualTo(6);
        assertThat(scan.committedLength()).isEqualTo(bytes.length).isEqualTo(scan.fileSize());
        assertThat(scan.tailLength()).isZero();
        assertThat(scan.committedPages()).isEqualTo(Map.of(1, 1, 2, 4, 3, 3, 4, 5));
        ByteBuffer last = ByteBuffer.wrap(bytes, 32 + 4 * frameSize(PS) + 16, 8);
        assertThat(scan.commitChecksum1()).isEqualTo(last.getInt());
        assertThat(scan.commitChecksum2()).isEqualTo(last.getInt());
        assertThat(scan.readPage(2)).hasValue(TestWal.page(PS, 2, 2));
        assertThat(scan.readPage(3)).hasValue(TestWal.page(PS, 3, 1));
        assertThat(scan.readPage(5)).isEmpty();
        assertThat(scan.frameOffset(5)).isEqualTo(32 + 4L * frameSize(PS));
    }

    @Test
    void aTornTailEndsTheLogAtThePreviousCommit() throws IOException {
        byte[] bytes = TestWal.build(false, PS, 0, SALT1, SALT2, twoTransactions());
        WalScan scan = WalScanner.scan(write(Arrays.copyOf(bytes, bytes.length - 100)));

        assertThat(scan.validFrames()).isEqualTo(4);
        assertThat(scan.lastCommitFrame()).isEqualTo(3);
        assertThat(scan.uncommittedFrames()).isEqualTo(1);
        assertThat(scan.dbSizePages()).isEqualTo(5);
        assertThat(scan.committedPages()).isEqualTo(Map.of(1, 1, 2, 2, 3, 3));
        assertThat(scan.committedLength()).isEqualTo(32 + 3L * frameSize(PS));
        assertThat(scan.tailLength()).isEqualTo(2L * frameSize(PS) - 100);
        assertThat(scan.stopReason()).startsWith("torn frame 5");
    }

    @Test
    void anInvalidChecksumMidwayDiscardsEverythingAfterIt() throws IOException {
        byte[] bytes = TestWal.build(false, PS, 0, SALT1, SALT2, twoTransactions());
        bytes[32 + 3 * frameSize(PS) + 24 + 500] ^= 1;   // a page byte of frame 4; frame 5 (a commit) is intact
        WalScan scan = WalScanner.scan(write(bytes));

        assertThat(scan.validFrames()).isEqualTo(3);
        assertThat(scan.lastCommitFrame()).isEqualTo(3);
        assertThat(scan.transactions()).isEqualTo(1);
        assertThat(scan.stopReason()).isEqualTo("checksum mismatch at frame 4");
    }

    @Test
    void aRestartedLogEndsAtTheFirstFrameWithTheOldSalts() throws IOException {
        byte[] old = TestWal.build(false, PS, 3, SALT1, SALT2, twoTransactions());
        byte[] restarted = TestWal.build(false, PS, 4, SALT1 + 1, 0x0badf00d,
                List.of(frame(PS, 1, 0, 9), frame(PS, 6, 6, 9)));
        byte[] bytes = old.clone();
        System.arraycopy(restarted, 0, bytes, 0, restarted.length);   // as SQLite does: rewrite from the start
        WalScan scan = WalScanner.scan(write(bytes));

        assertThat(scan.header().checkpointSequence()).isEqualTo(4);
        assertThat(scan.header().salt1()).isEqualTo(SALT1 + 1);
        assertThat(scan.validFrames()).isEqualTo(2);
        assertThat(scan.lastCommitFrame()).isEqualTo(2);
        assertThat(scan.committedPages()).isEqualTo(Map.of(1, 1, 6, 2));
        assertThat(scan.stopReason()).isEqualTo("salt mismatch at frame 3");
        assertThat(scan.tailLength()).isEqualTo(3L * frameSize(PS));
    }

    @Test
    void uncommittedFramesAfterTheLastCommitAreNotCommitted() throws IOException {
        List<WalFrame> frames = List.of(frame(PS, 1, 0, 1), frame(PS, 2, 2, 1),
                frame(PS, 1, 0, 2), frame(PS, 3, 0, 2), frame(PS, 4, 0, 2));
        WalScan scan = WalScanner.scan(write(TestWal.build(false, PS, 0, SALT1, SALT2, frames)));

        assertThat(scan.validFrames()).isEqualTo(5);
        assertThat(scan.lastCommitFrame()).isEqualTo(2);
        assertThat(scan.uncommittedFrames()).isEqualTo(3);
        assertThat(scan.committedPages()).isEqualTo(Map.of(1, 1, 2, 2));
        assertThat(scan.readPage(1)).hasValue(TestWal.page(PS, 1, 1));
        assertThat(scan.stopReason()).isEqualTo("end of file");
    }

    @Test
    void pagesBeyondTheCommittedSizeAreNotPartOfTheDatabase() throws IOException {
        List<WalFrame> frames = List.of(frame(PS, 1, 0, 1), frame(PS, 4, 0, 1), frame(PS, 5, 5, 1),
                frame(PS, 1, 3, 2));
        WalScan scan = WalScanner.scan(write(TestWal.build(false, PS, 0, SALT1, SALT2, frames)));

        assertThat(scan.dbSizePages()).isEqualTo(3);
        assertThat(scan.committedPages()).isEqualTo(Map.of(1, 4));
        assertThat(scan.readPage(4)).isEmpty();
    }

    @Test
    void pageNumberZeroEndsTheLog() throws IOException {
        byte[] bytes = TestWal.build(false, PS, 0, SALT1, SALT2,
                List.of(frame(PS, 1, 1, 1), frame(PS, 2, 2, 1)));
        Arrays.fill(bytes, 32 + frameSize(PS), 32 + frameSize(PS) + 4, (byte) 0);
        WalScan scan = WalScanner.scan(write(bytes));

        assertThat(scan.validFrames()).isEqualTo(1);
        assertThat(scan.stopReason()).isEqualTo("page number 0 at frame 2");
    }

    @Test
    void badHeadersAreReportedNotThrown() throws IOException {
        byte[] good = TestWal.build(false, PS, 0, SALT1, SALT2, twoTransactions());

        byte[] garbage = good.clone();
        garbage[0] = 'x';
        assertThat(WalScanner.scan(write(garbage)).headerStatus()).isEqualTo(HeaderStatus.NOT_A_WAL);

        byte[] badChecksum = good.clone();
        badChecksum[27] ^= 1;
        WalScan scan = WalScanner.scan(write(badChecksum));
        assertThat(scan.headerStatus()).isEqualTo(HeaderStatus.INVALID);
        assertThat(scan.stopReason()).isEqualTo("bad header checksum");
        assertThat(scan.validFrames()).isZero();
        assertThat(scan.readPage(1)).isEmpty();

        byte[] badPageSize = good.clone();
        ByteBuffer.wrap(badPageSize).putInt(8, 1000);
        assertThat(WalScanner.scan(write(badPageSize)).headerStatus()).isEqualTo(HeaderStatus.INVALID);

        byte[] nextVersion = TestWal.build(false, PS, 0, SALT1, SALT2, List.of());
        ByteBuffer.wrap(nextVersion).putInt(4, 3007001);
        assertThat(WalScanner.scan(write(nextVersion)).headerStatus()).isEqualTo(HeaderStatus.UNSUPPORTED_VERSION);
    }

    @Test
    void aDatabaseFileIsNotAWal() throws Exception {
        Path db = dir.resolve("plain.db");
        Sqlite.createBase(db, 10);

        WalScan scan = WalScanner.scan(db);

        assertThat(scan.headerStatus()).isEqualTo(HeaderStatus.NOT_A_WAL);
        assertThat(scan.stopReason()).isEqualTo("bad magic 53514c69");
    }

    @Test
    void readPageNoticesAChangedFile() throws IOException {
        Path file = write(TestWal.build(false, PS, 0, SALT1, SALT2, twoTransactions()));
        WalScan scan = WalScanner.scan(file);
        Files.write(file, TestWal.build(false, PS, 0, SALT1 + 1, SALT2, twoTransactions()));

        assertThatThrownBy(() -> scan.readPage(1)).isInstanceOf(WalFormatException.class)
                .hasMessageContaining("changed after the WAL was scanned");
    }

    /**
     * While SQLite has the database open, only the -wal is read (sqlite-lab Q8). The committed frame count must be
     * SQLite's mxFrame, the log column of wal_checkpoint, through commits, a transaction that spilled uncommitted
     * frames and was rolled back, and a log restart after a complete checkpoint.
     */
    @Test
    void agreesWithSqliteOnALiveLog() throws Exception {
        Path db = dir.resolve("live.db");
        Path wal = Sqlite.wal(db);
        try (Connection c = Sqlite.open(db)) {
            Sqlite.exec(c, "pragma journal_mode=wal", "pragma wal_autocheckpoint=0",
                    "create table t(id integer primary key, name text, v blob)", "create index t_name on t(name)");
            for (int i = 0; i < 5; i++) {
                Sqlite.fill(c, 1 + i * 100, 100);
            }
            WalScan commits = WalScanner.scan(wal);
            assertThat(commits.transactions()).isEqualTo(7);   // create table, create index, 5 inserts
            assertThat(commits.uncommittedFrames()).isZero();
            assertThat(commits.stopReason()).isEqualTo("end of file");

            // A big transaction with a tiny cache spills uncommitted frames into the log.
            Sqlite.exec(c, "pragma cache_size=10");
            c.setAutoCommit(false);
            Sqlite.fill(c, 10_000, 3000);
            WalScan spilled = WalScanner.scan(wal);
            c.rollback();
            c.setAutoCommit(true);
            assertThat(spilled.lastCommitFrame()).isEqualTo(commits.lastCommitFrame());
            assertThat(spilled.uncommittedFrames()).isPositive();
            assertThat(spilled.committedPages()).isEqualTo(commits.committedPages());

            WalScan rolledBack = WalScanner.scan(wal);
            int[] passive = Sqlite.checkpoint(c, "PASSIVE");
            assertThat(passive[0]).as("busy").isZero();
            assertThat(passive[1]).as("log").isEqualTo(rolledBack.lastCommitFrame())
                    .isEqualTo(commits.lastCommitFrame());
            assertThat(passive[2]).as("checkpointed").isEqualTo(passive[1]);

            // Everything is checkpointed, so the next commit restarts the log: new salts, old frames left behind.
            Sqlite.fill(c, 20_000, 1);
            WalScan restarted = WalScanner.scan(wal);
            assertThat(restarted.header().checkpointSequence())
                    .isEqualTo(commits.header().checkpointSequence() + 1);
            assertThat(restarted.header().salt1()).isEqualTo(commits.header().salt1() + 1);
            assertThat(restarted.lastCommitFrame()).isPositive().isLessThan(commits.lastCommitFrame());
            assertThat(restarted.stopReason()).startsWith("salt mismatch at frame ");
            assertThat(restarted.tailLength()).isPositive();
            assertThat(Sqlite.checkpoint(c, "PASSIVE")[1]).isEqualTo(restarted.lastCommitFrame());
        }
    }

    enum Damage {
        FLIP_A_PAGE_BYTE, FLIP_A_CHECKSUM_BYTE, CUT_INSIDE_THE_FRAME
    }

    /**
     * A log SQLite wrote (transactions of one to many frames), damaged at each of its frames in turn: the scanner's
     * last commit frame is the one SQLite's own recovery reaches (the log column of {@code wal_checkpoint} on a copy
     * opened without its {@code -shm}), the last commit before the damaged frame. A page byte is flipped in a
     * different quarter of the page from frame to frame, so a frame checksum that skipped any part of a page shows.
     */
    @ParameterizedTest
    @EnumSource(Damage.class)
    void stopsAtADamagedFrameWhereSqlitesRecoveryDoes(Damage damage) throws Exception {
        Path db = dir.resolve("written.db");
        Sqlite.createBase(db, 40);
        try (Connection writer = Sqlite.open(db)) {
            Sqlite.exec(writer, "pragma wal_autocheckpoint=0");
            Sqlite.fill(writer, 1_000, 1);
            Sqlite.fill(writer, 2_000, 120);
            Sqlite.exec(writer, "update t set v = randomblob(300) where id % 3 = 0", "delete from t where id % 5 = 0");
            Sqlite.fill(writer, 3_000, 2);
            try (Connection reader = Sqlite.openReadOnly(db)) {   // closes last: SQLite keeps the log
                Sqlite.number(reader, "select 1");
                writer.close();
            }
        }
        byte[] log = Files.readAllBytes(Sqlite.wal(db));
        WalScan whole = WalScanner.scan(Sqlite.wal(db));
        assertThat(whole.transactions()).isEqualTo(5);   // the update and the delete commit apart
        assertThat(whole.lastCommitFrame()).isEqualTo(whole.validFrames()).isGreaterThan(20);
        int frameSize = frameSize(Sqlite.PAGE_SIZE);

        for (int frame = 1; frame <= whole.validFrames(); frame++) {
            Path copy = dir.resolve("copy-" + damage + "-" + frame + ".db");
            Files.copy(db, copy);
            int start = 32 + (frame - 1) * frameSize;
            byte[] damaged = log.clone();
            switch (damage) {
                case FLIP_A_PAGE_BYTE -> damaged[start + 24 + (frame % 4) * (Sqlite.PAGE_SIZE / 4) + 13] ^= 0x40;
                case FLIP_A_CHECKSUM_BYTE -> damaged[start + 16 + frame % 8] ^= 0x01;
                case CUT_INSIDE_THE_FRAME -> damaged = Arrays.copyOf(damaged, start + frameSize - 1 - frame);
            }
            Files.write(Sqlite.wal(copy), damaged);
            WalScan scan = WalScanner.scan(Sqlite.wal(copy));
            int lastCommitBefore = 0;
            for (int earlier = 1; earlier < frame; earlier++) {
                if (WalFormat.getInt(log, 32 + (earlier - 1) * frameSize + 4) != 0) {
                    lastCommitBefore = earlier;
                }
            }
            try (Connection recovered = Sqlite.open(copy)) {
                assertThat(scan.lastCommitFrame()).as("%s at frame %d", damage, frame)
                        .isEqualTo(lastCommitBefore)
                        .isEqualTo(Sqlite.checkpoint(recovered, "PASSIVE")[1]);
            }
            assertThat(scan.validFrames()).as("%s at frame %d", damage, frame).isEqualTo(frame - 1);
        }
    }
}
