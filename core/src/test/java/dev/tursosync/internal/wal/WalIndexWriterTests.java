package dev.tursosync.internal.wal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The WAL index written by hand against SQLite's own: a source database takes random transactions, their frames are
 * appended to the WAL of an identical replica while its connections stay open, and after each append the replica's
 * {@code -shm} must hold exactly the index SQLite's recovery builds for a copy of the replica's files (header fields,
 * page-number arrays and hash tables up to {@code mxFrame}), and the kept connections, and a new one, must read what
 * the source holds. Checkpoints of the replica, a WAL truncated by one (which the writer refuses, so the replica's
 * connections are closed and its index dropped, as the pull does) and the block boundaries at 4062 and 4062 + 4096
 * frames are crossed on the way.
 */
final class WalIndexWriterTests {

    private static final int PS = Sqlite.PAGE_SIZE;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    @TempDir
    Path dir;

    @Test
    void blocksAndPageSizesAreAddressedAsSqliteDoes() {
        assertThat(WalIndexWriter.blockOf(1)).isZero();
        assertThat(WalIndexWriter.blockOf(4062)).isZero();
        assertThat(WalIndexWriter.blockOf(4063)).isEqualTo(1);
        assertThat(WalIndexWriter.blockOf(4062 + 4096)).isEqualTo(1);
        assertThat(WalIndexWriter.blockOf(4062 + 4097)).isEqualTo(2);
        assertThat(WalIndexWriter.encodedPageSize(4096)).isEqualTo(4096);
        assertThat(WalIndexWriter.encodedPageSize(65536)).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void keptConnectionsReadWhatTheSourceHoldsAndTheIndexIsSqlites(long seed) throws Exception {
        Random random = new Random(seed);
        Path source = dir.resolve("source.db");
        Path replica = dir.resolve("replica.db");
        try (Connection create = Sqlite.open(source)) {
            Sqlite.exec(create, "pragma journal_mode = wal", "pragma wal_autocheckpoint = 0",
                    "create table t(id integer primary key, name text, v blob)");
            try (PreparedStatement insert = create.prepareStatement("insert into t values (?, ?, randomblob(?))")) {
                for (int id = 1; id <= 900; id++) {
                    insert.setInt(1, id);
                    insert.setString(2, "v" + id);
                    insert.setInt(3, 2500 + random.nextInt(1000));
                    insert.executeUpdate();
                }
            }
            Sqlite.checkpoint(create, "TRUNCATE");
        }
        Files.copy(source, replica);
        try (Connection writes = Sqlite.open(source)) {
            Sqlite.exec(writes, "pragma wal_autocheckpoint = 0");
            long sourceWal = 0;
            // the first transaction starts the replica's WAL with no connection open, as a pull does
            randomTransaction(writes, random, 0);
            sourceWal = forward(source, replica, sourceWal);
            Replica open = Replica.open(replica);
            int appendedByHand = 0;
            int maxFrame = 0;
            try {
                for (int round = 0; round < 70; round++) {
                    randomTransaction(writes, random, round);
                    List<WalFrame> frames = framesSince(source, sourceWal);
                    sourceWal = Files.size(Sqlite.wal(source));
                    if (random.nextInt(4) == 0) {
                        // the same page more than once in one transaction: the later frame wins
                        for (int i = 0; i < 3; i++) {
                            frames.add(random.nextInt(frames.size()), frames.get(random.nextInt(frames.size())));
                        }
                    }
                    WalFrame commit = frames.get(frames.size() - 1);
                    frames.add(commit);
                    WalAppend appended = WalWriter.appendTransaction(WalScanner.scan(Sqlite.wal(replica)), PS,
                            frames.iterator(), commit.commitSize(), false);
                    if (WalIndexWriter.append(open.shm, appended)) {
                        appendedByHand++;
                        assertIndexIsSqlites(replica, open.shm);
                    } else {
                        assertThat(appended.newHeader()).as("refused only a restarted WAL").isTrue();
                        open.close();
                        Files.delete(Sqlite.shm(replica));
                        open = Replica.open(replica);
                    }
                    maxFrame = Math.max(maxFrame, appended.lastFrame());
                    List<String> expected = rows(writes);
                    assertThat(rows(open.reader)).isEqualTo(expected);
                    assertThat(rows(open.writer)).isEqualTo(expected);
                    try (Connection fresh = Sqlite.openReadOnly(replica)) {
                        assertThat(rows(fresh)).isEqualTo(expected);
                    }
                    int dice = random.nextInt(20);
                    if (dice == 0) {
                        Sqlite.checkpoint(open.writer, "PASSIVE");
                    } else if (dice == 1 && round > 40) {
                        Sqlite.checkpoint(open.writer, "TRUNCATE");
                    }
                }
                assertThat(Sqlite.integrity(open.writer)).isEqualTo("ok");
            } finally {
                open.close();
            }
            assertThat(appendedByHand).isGreaterThan(40);
            assertThat(maxFrame).as("crossed two block boundaries").isGreaterThan(4062 + 4096);
            // the last close checkpointed the WAL through the index written by hand
            try (Connection after = Sqlite.open(replica)) {
                assertThat(Sqlite.integrity(after)).isEqualTo("ok");
                assertThat(rows(after)).isEqualTo(rows(writes));
            }
        }
    }

    /** Table t, one string per row, the blob as its CRC. */
    private static List<String> rows(Connection connection) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("select id, name, v from t order by id")) {
            while (result.next()) {
                CRC32 crc = new CRC32();
                crc.update(result.getBytes(3));
                rows.add(result.getLong(1) + "|" + result.getString(2) + "|" + crc.getValue());
            }
        }
        return rows;
    }

    /** The replica's window: a read-only connection first, a read-write one, and the channel on {@code -shm}. */
    private record Replica(Connection reader, Connection writer, FileChannel shm) implements AutoCloseable {

        static Replica open(Path db) throws SQLException, IOException {
            Connection reader = Sqlite.openReadOnly(db);
            rows(reader);
            Connection writer = Sqlite.open(db);
            Sqlite.exec(writer, "pragma wal_autocheckpoint = 0");
            rows(writer);
            return new Replica(reader, writer, WalIndexWriter.open(Sqlite.shm(db)));
        }

        @Override
        public void close() throws SQLException, IOException {
            writer.close();
            reader.close();
            shm.close();
        }
    }

    private static void randomTransaction(Connection writes, Random random, int round) throws SQLException {
        writes.setAutoCommit(false);
        int kind = round % 3 == 2 ? 3 : random.nextInt(3);
        switch (kind) {
            case 0 -> Sqlite.exec(writes, "update t set name = name || 'x' where id = " + (1 + random.nextInt(900)));
            case 1 -> Sqlite.exec(writes, "insert into t(name, v) select 'n' || id, randomblob(" + (100
                    + random.nextInt(3000)) + ") from t where id % 97 = " + random.nextInt(97),
                    "delete from t where id in (select id from t where id > 900 order by random() limit 5)");
            default -> Sqlite.exec(writes, "update t set v = randomblob(length(v)) where id % 3 != "
                    + random.nextInt(3));
        }
        writes.commit();
        writes.setAutoCommit(true);
    }

    /** Appends the source's frames since an offset to the replica's WAL as one transaction; the new offset. */
    private static long forward(Path source, Path replica, long since) throws IOException {
        List<WalFrame> frames = framesSince(source, since);
        WalWriter.appendTransaction(Sqlite.wal(replica), PS, frames, frames.get(frames.size() - 1).commitSize());
        return Files.size(Sqlite.wal(source));
    }

    /** The frames of the source's WAL from an offset on (one committed transaction), with their commit sizes. */
    private static List<WalFrame> framesSince(Path source, long since) throws IOException {
        byte[] wal = Files.readAllBytes(Sqlite.wal(source));
        List<WalFrame> frames = new ArrayList<>();
        int frameSize = WalFormat.frameSize(PS);
        for (long at = Math.max(since, WalFormat.HEADER_SIZE); at + frameSize <= wal.length; at += frameSize) {
            int offset = Math.toIntExact(at);
            byte[] page = new byte[PS];
            System.arraycopy(wal, offset + WalFormat.FRAME_HEADER_SIZE, page, 0, PS);
            frames.add(new WalFrame(WalFormat.getInt(wal, offset), WalFormat.getInt(wal, offset + 4), page));
        }
        assertThat(frames).isNotEmpty();
        assertThat(frames.get(frames.size() - 1).commitSize()).isPositive();
        return frames;
    }

    /** The replica's index against the one SQLite's recovery builds for a copy of its database and WAL. */
    private void assertIndexIsSqlites(Path replica, FileChannel shm) throws Exception {
        Path copies = Files.createTempDirectory(dir, "oracle");
        Path copy = copies.resolve("copy.db");
        Files.copy(replica, copy);
        Files.copy(Sqlite.wal(replica), Sqlite.wal(copy));
        ByteBuffer expected;
        try (Connection recovered = Sqlite.openReadOnly(copy)) {
            rows(recovered);
            expected = ByteBuffer.wrap(Files.readAllBytes(Sqlite.shm(copy))).order(NATIVE);
        }
        ByteBuffer actual = ByteBuffer.allocate(Math.toIntExact(shm.size())).order(NATIVE);
        while (actual.hasRemaining()) {
            shm.read(actual, actual.position());
        }
        actual.clear();
        for (int copyAt : new int[] {0, 48}) {
            // version, isInit, checksum order, page size, mxFrame, nPage, frame checksum, salts
            assertThat(actual.getInt(copyAt)).isEqualTo(expected.getInt(0));
            assertThat(actual.getInt(copyAt + 12)).isEqualTo(expected.getInt(12));
            for (int at = 16; at < 40; at += 4) {
                assertThat(actual.getInt(copyAt + at)).as("header byte %d", at).isEqualTo(expected.getInt(at));
            }
        }
        for (int at = 0; at < 48; at++) {
            assertThat(actual.get(48 + at)).isEqualTo(actual.get(at));
        }
        byte[] checksummed = new byte[40];
        actual.get(0, checksummed);
        long checksum = WalFormat.checksum(checksummed, 0, 40, NATIVE == ByteOrder.BIG_ENDIAN, 0);
        assertThat(actual.getInt(40)).isEqualTo(WalFormat.high(checksum));
        assertThat(actual.getInt(44)).isEqualTo(WalFormat.low(checksum));
        int maxFrame = expected.getInt(16);
        for (int block = 0; block <= WalIndexWriter.blockOf(maxFrame); block++) {
            int base = block * 32768;
            int zero = block == 0 ? 0 : 4062 + (block - 1) * 4096;
            int limit = Math.min(maxFrame - zero, block == 0 ? 4062 : 4096);
            int pagesAt = base + (block == 0 ? 136 : 0);
            for (int idx = 1; idx <= limit; idx++) {
                assertThat(actual.getInt(pagesAt + (idx - 1) * 4)).as("frame %d", zero + idx)
                        .isEqualTo(expected.getInt(pagesAt + (idx - 1) * 4));
            }
            for (int slot = 0; slot < 8192; slot++) {
                int at = base + 16384 + slot * 2;
                int want = expected.getShort(at) & 0xffff;
                int got = actual.getShort(at) & 0xffff;
                assertThat(got <= limit ? got : 0).as("block %d slot %d", block, slot)
                        .isEqualTo(want <= limit ? want : 0);
            }
        }
    }
}
