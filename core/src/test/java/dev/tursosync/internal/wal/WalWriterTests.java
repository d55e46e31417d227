package dev.tursosync.internal.wal;

import static dev.tursosync.internal.wal.Sqlite.PAGE_SIZE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tursosync.internal.wal.WalScan.HeaderStatus;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The writer against real SQLite: a hand-appended transaction is recovered by the next open, and after a TRUNCATE
 * checkpoint the database file is byte-identical to the database the pages came from.
 */
final class WalWriterTests {

    @TempDir
    Path dir;
    private Path base;
    private Path wal;

    @BeforeEach
    void createBase() throws Exception {
        base = dir.resolve("base.db");
        wal = Sqlite.wal(base);
        Sqlite.createBase(base, 300);
    }

    /** A remote state: base plus rows plus an update. */
    private Path grown() throws Exception {
        Path target = dir.resolve("grown.db");
        Sqlite.derive(base, target, "update t set name = 'remote-' || id where id in (10, 11, 150)");
        try (Connection c = Sqlite.open(target)) {
            Sqlite.fill(c, 301, 700);
        }
        return target;
    }

    /** Reopens base: it must show exactly target's rows and pass integrity_check; then checkpoints and compares bytes. */
    private void assertBecomes(Path target) throws Exception {
        List<String> expected = Sqlite.rows(target);
        try (Connection c = Sqlite.open(base)) {
            assertThat(Sqlite.rows(c)).isEqualTo(expected);
            assertThat(Sqlite.integrity(c)).isEqualTo("ok");
            assertThat(Sqlite.number(c, "pragma page_count")).isEqualTo(Sqlite.pageCount(target));
            assertThat(Sqlite.checkpoint(c, "TRUNCATE")[0]).isZero();
            assertThat(Files.size(wal)).isZero();
            assertThat(Files.size(base)).isEqualTo(Files.size(target));
        }
        assertThat(Files.mismatch(base, target)).as("byte-identical after checkpoint").isEqualTo(-1L);
    }

    @Test
    void aFreshLogOfTheDifferingPagesGrowsTheDatabase() throws Exception {
        Path target = grown();
        List<WalFrame> pages = Sqlite.differingPages(base, target);
        int size = Sqlite.pageCount(target);
        assertThat(size).isGreaterThan(Sqlite.pageCount(base));
        assertThat(pages.size()).isLessThan(size);

        WalAppend append = WalWriter.appendTransaction(wal, PAGE_SIZE, pages, size);

        assertThat(append.newHeader()).isTrue();
        assertThat(append.firstFrame()).isEqualTo(1);
        assertThat(append.lastFrame()).isEqualTo(pages.size()).isEqualTo(append.frameCount());
        assertThat(append.startOffset()).isEqualTo(32);
        assertThat(append.endOffset()).isEqualTo(Files.size(wal))
                .isEqualTo(32 + (long) pages.size() * (24 + PAGE_SIZE));
        assertThat(append.skippedPages()).isZero();
        WalScan scan = WalScanner.scan(wal);
        assertThat(scan.header().magic()).isEqualTo(0x377f0682);
        assertThat(scan.header().checkpointSequence()).isZero();
        assertThat(scan.lastCommitFrame()).isEqualTo(pages.size()).isEqualTo(scan.validFrames());
        assertThat(scan.transactions()).isEqualTo(1);
        assertThat(scan.dbSizePages()).isEqualTo(size);
        assertThat(scan.committedPages()).hasSize(pages.size());
        assertThat(scan.readPage(1)).hasValue(pages.get(0).page());

        assertBecomes(target);
    }

    @Test
    void aSmallerCommitSizeShrinksTheDatabaseAndPagesBeyondItAreSkipped() throws Exception {
        Path target = dir.resolve("shrunk.db");
        Sqlite.derive(base, target, "delete from t where id > 20", "vacuum");
        int size = Sqlite.pageCount(target);
        assertThat(size).isLessThan(Sqlite.pageCount(base) / 2);
        List<WalFrame> pages = new ArrayList<>(Sqlite.allPages(target));
        List<WalFrame> stale = Sqlite.allPages(base).subList(size, Sqlite.pageCount(base));
        pages.addAll(2, stale);   // pages beyond the new size, in the middle of the stream

        WalAppend append = WalWriter.appendTransaction(wal, PAGE_SIZE, pages, size);

        assertThat(append.skippedPages()).isEqualTo(stale.size());
        assertThat(append.frameCount()).isEqualTo(size);
        assertBecomes(target);
    }

    /** sqlite-lab Q9: local commits sit in the log, the read-only connection closes last, a pull is appended. */
    @Test
    void appendsAfterTheLocalCommitsOfALogLeftByAReadOnlyLastClose() throws Exception {
        Path target = grown();
        WalScan local = leaveLocalCommitsInTheLog().scan();
        assertThat(Files.exists(Sqlite.shm(base))).isTrue();
        assertThat(local.transactions()).isEqualTo(2);
        assertThat(local.uncommittedFrames()).isZero();
        assertThat(local.tailLength()).isZero();

        WalAppend append = WalWriter.appendTransaction(wal, PAGE_SIZE, Sqlite.allPages(target),
                Sqlite.pageCount(target));

        assertThat(append.newHeader()).isFalse();
        assertThat(append.firstFrame()).isEqualTo(local.lastCommitFrame() + 1);
        assertThat(append.startOffset()).isEqualTo(local.committedLength());
        WalScan after = WalScanner.scan(wal);
        assertThat(after.header()).isEqualTo(local.header());
        assertThat(after.transactions()).isEqualTo(3);
        assertThat(after.lastCommitFrame()).isEqualTo(append.lastFrame());
        assertThat(after.dbSizePages()).isEqualTo(Sqlite.pageCount(target));
        assertBecomes(target);   // the local rows are gone: the later transaction overrides every page
    }

    /** The log after local commits, and the rows the database showed then. */
    private record Local(WalScan scan, List<String> rows) {
    }

    /** Base plus two local transactions in the log, closed read-write first and read-only last. */
    private Local leaveLocalCommitsInTheLog() throws Exception {
        Connection rw = Sqlite.open(base);
        Sqlite.exec(rw, "pragma wal_autocheckpoint=0");
        Sqlite.fill(rw, 5001, 50);
        Sqlite.exec(rw, "update t set name = 'local' where id = 1");
        List<String> rows = Sqlite.rows(rw);
        assertThat(rows).hasSize(350);
        closeReadOnlyLast(rw);
        assertThat(wal).exists();
        WalScan scan = WalScanner.scan(wal);
        assertThat(scan.lastCommitFrame()).isPositive();
        return new Local(scan, rows);
    }

    /**
     * Closes {@code rw} while a read-only connection is open, then the read-only one, so the log survives. The
     * read-only connection must have run a statement first: merely opened, it holds no lock yet and the read-write
     * close still counts as the last one (checkpoint and delete).
     */
    private void closeReadOnlyLast(Connection rw) throws Exception {
        try (Connection ro = Sqlite.openReadOnly(base)) {
            Sqlite.number(ro, "select 1");
            rw.close();
        }
        assertThat(wal).exists();
        assertThat(Sqlite.shm(base)).exists();
    }

    enum Damage {
        TRUNCATE_INSIDE_THE_COMMIT_FRAME, FLIP_A_BYTE_OF_THE_COMMIT_FRAME, FLIP_A_BYTE_OF_AN_EARLIER_FRAME
    }

    @ParameterizedTest
    @EnumSource(Damage.class)
    void aDamagedAppendLeavesTheOldStateAndTheNextAppendCutsItOff(Damage damage) throws Exception {
        Path target = grown();
        Local before = leaveLocalCommitsInTheLog();
        WalScan local = before.scan();

        WalAppend torn = WalWriter.appendTransaction(wal, PAGE_SIZE, Sqlite.allPages(target),
                Sqlite.pageCount(target));
        try (RandomAccessFile file = new RandomAccessFile(wal.toFile(), "rw")) {
            long commitFrame = torn.endOffset() - (24 + PAGE_SIZE);
            switch (damage) {
                case TRUNCATE_INSIDE_THE_COMMIT_FRAME -> file.setLength(commitFrame + 24 + PAGE_SIZE / 2);
                case FLIP_A_BYTE_OF_THE_COMMIT_FRAME -> flip(file, commitFrame + 24 + 100);
                case FLIP_A_BYTE_OF_AN_EARLIER_FRAME -> flip(file, torn.startOffset() + 24 + 7);
            }
        }
        WalScan damaged = WalScanner.scan(wal);
        assertThat(damaged.lastCommitFrame()).isEqualTo(local.lastCommitFrame());
        assertThat(damaged.committedLength()).isEqualTo(local.committedLength());
        assertThat(damaged.committedPages()).isEqualTo(local.committedPages());
        assertThat(damaged.tailLength()).isPositive();

        // SQLite recovers the old state; close read-only last again so the damaged log stays for the next append.
        Connection rw = Sqlite.open(base);
        assertThat(Sqlite.rows(rw)).isEqualTo(before.rows());
        assertThat(Sqlite.integrity(rw)).isEqualTo("ok");
        closeReadOnlyLast(rw);
        assertThat(WalScanner.scan(wal).committedLength()).isEqualTo(local.committedLength());

        WalAppend retry = WalWriter.appendTransaction(wal, PAGE_SIZE, Sqlite.allPages(target),
                Sqlite.pageCount(target));

        assertThat(retry.firstFrame()).isEqualTo(local.lastCommitFrame() + 1);
        assertThat(retry.startOffset()).isEqualTo(local.committedLength());
        WalScan after = WalScanner.scan(wal);
        assertThat(after.tailLength()).isZero();
        assertThat(after.transactions()).isEqualTo(local.transactions() + 1);
        assertBecomes(target);
    }

    private static void flip(RandomAccessFile file, long position) throws IOException {
        file.seek(position);
        int b = file.read();
        file.seek(position);
        file.write(b ^ 0x40);
    }

    @Test
    void continuesABigEndianChecksumChain() throws Exception {
        Path target = grown();
        byte[] page1 = Sqlite.allPages(base).get(0).page();
        int baseSize = Sqlite.pageCount(base);
        Files.write(wal, TestWal.build(true, PAGE_SIZE, 5, 123, 456, List.of(new WalFrame(1, baseSize, page1))));

        WalAppend append = WalWriter.appendTransaction(wal, PAGE_SIZE, Sqlite.differingPages(base, target),
                Sqlite.pageCount(target));

        assertThat(append.newHeader()).isFalse();
        assertThat(append.firstFrame()).isEqualTo(2);
        WalScan scan = WalScanner.scan(wal);
        assertThat(scan.header().bigEndianChecksums()).isTrue();
        assertThat(scan.header().checkpointSequence()).isEqualTo(5);
        assertThat(scan.transactions()).isEqualTo(2);
        assertBecomes(target);
    }

    @Test
    void cutsAnUnfinishedTransactionAndChainsFromTheHeaderWhenNothingIsCommitted() throws Exception {
        Path target = grown();
        Files.write(wal, TestWal.build(false, PAGE_SIZE, 2, 77, 88,
                List.of(TestWal.frame(PAGE_SIZE, 1, 0, 1), TestWal.frame(PAGE_SIZE, 2, 0, 1))));
        WalScan unfinished = WalScanner.scan(wal);
        assertThat(unfinished.validFrames()).isEqualTo(2);
        assertThat(unfinished.lastCommitFrame()).isZero();
        assertThat(unfinished.committedLength()).isEqualTo(32);

        WalAppend append = WalWriter.appendTransaction(wal, PAGE_SIZE, Sqlite.differingPages(base, target),
                Sqlite.pageCount(target));

        assertThat(append.newHeader()).isFalse();
        assertThat(append.firstFrame()).isEqualTo(1);
        assertThat(append.startOffset()).isEqualTo(32);
        assertThat(WalScanner.scan(wal).header()).isEqualTo(unfinished.header());
        assertBecomes(target);
    }

    @Test
    void replacesALogThatSqliteWouldIgnore() throws Exception {
        Path target = grown();
        byte[] ignored = TestWal.build(false, PAGE_SIZE, 0, 1, 2,
                List.of(TestWal.frame(PAGE_SIZE, 1, 1, 1), TestWal.frame(PAGE_SIZE, 2, 2, 1)));
        ignored[30] ^= 1;   // header checksum
        for (byte[] content : List.of(ignored, new byte[5000], new byte[0])) {
            Files.write(wal, content);
            assertThat(WalScanner.scan(wal).headerStatus()).isIn(HeaderStatus.INVALID, HeaderStatus.EMPTY);

            WalAppend append = WalWriter.appendTransaction(wal, PAGE_SIZE, Sqlite.differingPages(base, target),
                    Sqlite.pageCount(target));

            assertThat(append.newHeader()).isTrue();
            assertThat(append.endOffset()).isEqualTo(Files.size(wal));
            assertThat(WalScanner.scan(wal).tailLength()).isZero();
        }
        assertBecomes(target);
    }

    @Test
    void refusesFilesItMustNotOverwrite() throws Exception {
        List<WalFrame> pages = Sqlite.allPages(base);
        byte[] databaseBytes = Files.readAllBytes(base);

        assertThatThrownBy(() -> WalWriter.appendTransaction(base, PAGE_SIZE, pages, pages.size()))
                .isInstanceOf(WalFormatException.class).hasMessageContaining("is not a WAL file");
        assertThat(Files.readAllBytes(base)).isEqualTo(databaseBytes);

        byte[] garbage = "this is no write-ahead log, just some text".repeat(200).getBytes();
        Files.write(wal, garbage);
        assertThatThrownBy(() -> WalWriter.appendTransaction(wal, PAGE_SIZE, pages, pages.size()))
                .isInstanceOf(WalFormatException.class).hasMessageContaining("is not a WAL file");
        assertThat(Files.readAllBytes(wal)).isEqualTo(garbage);

        byte[] nextVersion = TestWal.build(false, PAGE_SIZE, 0, 1, 2, List.of());
        ByteBuffer.wrap(nextVersion).putInt(4, 3007001);
        Files.write(wal, nextVersion);
        assertThatThrownBy(() -> WalWriter.appendTransaction(wal, PAGE_SIZE, pages, pages.size()))
                .isInstanceOf(WalFormatException.class).hasMessageContaining("unsupported version 3007001");
        assertThat(Files.readAllBytes(wal)).isEqualTo(nextVersion);

        byte[] otherPageSize = TestWal.build(false, 8192, 0, 1, 2, List.of(TestWal.frame(8192, 1, 1, 1)));
        Files.write(wal, otherPageSize);
        assertThatThrownBy(() -> WalWriter.appendTransaction(wal, PAGE_SIZE, pages, pages.size()))
                .isInstanceOf(WalFormatException.class).hasMessageContaining("has page size 8192, not 4096");
        assertThat(Files.readAllBytes(wal)).isEqualTo(otherPageSize);
    }

    @Test
    void rejectsBadArgumentsWithoutTouchingTheLog() throws Exception {
        Path target = grown();
        WalScan local = leaveLocalCommitsInTheLog().scan();
        byte[] before = Files.readAllBytes(wal);
        List<WalFrame> pages = Sqlite.allPages(target);
        int size = pages.size();

        assertThatThrownBy(() -> WalWriter.appendTransaction(wal, 1000, pages, size))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WalWriter.appendTransaction(wal, PAGE_SIZE, pages, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WalWriter.appendTransaction(wal, PAGE_SIZE, List.of(), size))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no page within");
        assertThatThrownBy(() -> WalWriter.appendTransaction(wal, PAGE_SIZE, pages.subList(5, size), 5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no page within");
        assertThatThrownBy(() -> WalWriter.appendTransaction(wal, PAGE_SIZE,
                List.of(WalFrame.of(1, new byte[512])), size))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has 512 bytes, not 4096");
        assertThatThrownBy(() -> WalFrame.of(0, new byte[PAGE_SIZE])).isInstanceOf(IllegalArgumentException.class);
        assertThat(Files.readAllBytes(wal)).isEqualTo(before);
        assertThat(WalScanner.scan(wal)).isEqualTo(local);
    }

    @Test
    void aSourceFailingMidwayLeavesNoCommittedFrame() throws Exception {
        Path target = grown();
        Local local = leaveLocalCommitsInTheLog();
        List<WalFrame> pages = new ArrayList<>(Sqlite.allPages(target));
        pages.addAll(Sqlite.allPages(target));
        pages.addAll(Sqlite.allPages(target));
        pages.add(80, WalFrame.of(3, new byte[100]));   // a bad page deep in the stream, after a chunk was flushed

        assertThatThrownBy(() -> WalWriter.appendTransaction(wal, PAGE_SIZE, pages, Sqlite.pageCount(target)))
                .isInstanceOf(IllegalArgumentException.class);

        assertThat(Files.size(wal)).isEqualTo(local.scan().committedLength());
        assertThat(WalScanner.scan(wal)).isEqualTo(local.scan());
        try (Connection c = Sqlite.open(base)) {
            assertThat(Sqlite.rows(c)).isEqualTo(local.rows());
            assertThat(Sqlite.integrity(c)).isEqualTo("ok");
        }
    }

    @Test
    void aRepeatedPageKeepsItsLastImageAndTheSourceMayReuseOneArray() throws Exception {
        int pages = 300;
        WalAppend append = WalWriter.appendTransaction(wal, PAGE_SIZE, new Generated(pages, PAGE_SIZE, 4), pages);

        assertThat(append.frameCount()).isEqualTo(pages + 1);
        WalScan scan = WalScanner.scan(wal);
        assertThat(scan.validFrames()).isEqualTo(pages + 1);
        assertThat(scan.committedPages()).hasSize(pages).containsEntry(4, pages + 1);
        for (int page = 1; page <= pages; page++) {
            assertThat(scan.readPage(page)).as("page %d", page)
                    .hasValue(TestWal.page(PAGE_SIZE, page, page == 4 ? 1 : 0));
        }
    }

    /**
     * A heap smaller than the transaction is enough: a child JVM with a 16 MiB heap appends 20 MiB of generated
     * pages.
     */
    @Test
    void aHeapSmallerThanTheTransactionIsEnough() throws Exception {
        int pages = 20 * 1024 * 1024 / PAGE_SIZE;
        Path big = dir.resolve("big.db-wal");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-Xmx16m", "-cp", System.getProperty("java.class.path"),
                WalAppendChild.class.getName(), big.toString(), Integer.toString(pages))
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor()).as(output).isZero();
        assertThat(output).contains("frames=" + (pages + 1));

        WalScan scan = WalScanner.scan(big);
        assertThat(scan.fileSize()).isGreaterThan(20L * 1024 * 1024);
        assertThat(scan.lastCommitFrame()).isEqualTo(pages + 1).isEqualTo(scan.validFrames());
        assertThat(scan.dbSizePages()).isEqualTo(pages);
        for (int page : new int[] {1, 4, 2000, pages}) {
            assertThat(scan.readPage(page)).hasValue(TestWal.page(PAGE_SIZE, page, page == 4 ? 1 : 0));
        }
    }

    /**
     * Pages 1..count generated on the fly into one reused array, with page {@code repeated} written a second time
     * (version 1) at the end.
     */
    static final class Generated implements Iterator<WalFrame> {
        private final int count;
        private final int repeated;
        private final byte[] buffer;
        private int next = 1;

        Generated(int count, int pageSize, int repeated) {
            this.count = count;
            this.repeated = repeated;
            this.buffer = new byte[pageSize];
        }

        @Override
        public boolean hasNext() {
            return next <= count + 1;
        }

        @Override
        public WalFrame next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            int page = next <= count ? next : repeated;
            TestWal.fill(buffer, page, next <= count ? 0 : 1);
            next++;
            return WalFrame.of(page, buffer);
        }
    }
}
