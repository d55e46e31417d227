package dev.tursosync.internal.pull;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.tursosync.SyncProtocolException;
import dev.tursosync.internal.proto.PullUpdatesRespProtoBody;
import dev.tursosync.internal.transport.PullFrame;
import dev.tursosync.internal.transport.PullHeader;
import dev.tursosync.internal.transport.PulledPage;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * A bootstrap's file is forced while its pages are checked and {@code quick_check} runs on it, at the same time: a
 * snapshot is installed only when all three succeed, and a failure names the first check that failed.
 */
final class SnapshotFileWriterTests {

    private static final int PAGE_SIZE = PulledPage.PAGE_SIZE;
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path folder;

    @Test
    void aWellFormedSnapshotIsInstalledByteForByte() throws Exception {
        byte[] remote = database("remote.db", 4);
        Path target = folder.resolve("local.db");

        SnapshotFileWriter.Snapshot snapshot = writer().write(Flux.fromIterable(frames(remote)), target)
                .block(WAIT);

        assertThat(snapshot.pageCount()).isEqualTo(remote.length / PAGE_SIZE);
        assertThat(Files.readAllBytes(target)).isEqualTo(remote);
        assertThat(folder.resolve("local.db.part")).doesNotExist();
    }

    /** Forced in the background every two pages while it streams, the file is still installed exactly as sent. */
    @Test
    void aSnapshotForcedWhileItStreamsIsInstalledByteForByte() throws Exception {
        byte[] remote = blobs("remote.db", 100);
        Path target = folder.resolve("local.db");

        SnapshotFileWriter.Snapshot snapshot = new SnapshotFileWriter(Schedulers.boundedElastic(), 2L * PAGE_SIZE, true)
                .write(Flux.fromIterable(frames(remote)), target).block(WAIT);

        assertThat(snapshot.pageCount()).isEqualTo(remote.length / PAGE_SIZE).isGreaterThan(20);
        assertThat(Files.readAllBytes(target)).isEqualTo(remote);
        assertThat(folder.resolve("local.db.part")).doesNotExist();
    }

    /** Every page is well formed, but the index page comes from an older state: only quick_check sees it. */
    @Test
    void aSnapshotThatOnlyQuickCheckRefusesIsNotInstalled() throws Exception {
        byte[] older = database("older.db", 3);
        byte[] newer = database("newer.db", 4);
        byte[] mixed = newer.clone();
        System.arraycopy(older, 2 * PAGE_SIZE, mixed, 2 * PAGE_SIZE, PAGE_SIZE);
        Path target = folder.resolve("local.db");

        assertThatThrownBy(() -> writer().write(Flux.fromIterable(frames(mixed)), target).block(WAIT))
                .isInstanceOf(SyncProtocolException.class).hasMessageContaining("quick_check")
                .hasMessageContaining("s_v");
        assertThat(target).doesNotExist();
        assertThat(folder.resolve("local.db.part")).doesNotExist();
    }

    /** A table page that claims more cells than fit fails both checks: the page check's error is the one signalled. */
    @Test
    void aSnapshotBothChecksRefuseFailsWithThePageCheckAndQuickCheckSuppressed() throws Exception {
        byte[] broken = database("remote.db", 4);
        int header = PAGE_SIZE;
        broken[header + 3] = (byte) 0xff;
        broken[header + 4] = (byte) 0xff;
        Path target = folder.resolve("local.db");

        assertThatThrownBy(() -> writer().write(Flux.fromIterable(frames(broken)), target).block(WAIT))
                .isInstanceOf(SyncProtocolException.class).hasMessageContaining("malformed page")
                .satisfies(error -> assertThat(error.getSuppressed())
                        .anySatisfy(suppressed -> assertThat(suppressed).hasMessageContaining("quick_check")));
        assertThat(target).doesNotExist();
        assertThat(folder.resolve("local.db.part")).doesNotExist();
    }

    /**
     * Checking pages while they stream changes nothing a check decides: for seeded random corruptions, stream orders
     * and re-sent pages, the writer with the streamed checks and the writer without them install the same file or
     * fail with the same {@link SyncProtocolException}.
     */
    @Test
    void checkingPagesWhileTheyStreamDecidesAsCheckingTheFile() throws Exception {
        long seed = Long.getLong("snapshot.streamed.seed", System.nanoTime());
        System.out.println("SnapshotFileWriterTests streamed-check seed " + seed
                + " (replay with -Dsnapshot.streamed.seed=" + seed + ")");
        Random random = new Random(seed);
        byte[] remote = overflowing("remote.db");
        int pages = remote.length / PAGE_SIZE;
        int refused = 0;
        for (int round = 0; round < 60; round++) {
            byte[] sent = remote.clone();
            int flips = random.nextInt(4);
            for (int i = 0; i < flips; i++) {
                int page = random.nextInt(pages);
                int offset = random.nextInt(10) < 7 ? random.nextInt(16) : random.nextInt(PAGE_SIZE);
                int header = page == 0 ? 100 : 0;
                sent[page * PAGE_SIZE + Math.min(header + offset, PAGE_SIZE - 1)] ^= (byte) (1 + random.nextInt(255));
            }
            List<PullFrame> frames = frames(sent);
            if (random.nextBoolean()) {
                Collections.shuffle(frames.subList(1, frames.size()), random);
            }
            if (random.nextInt(4) == 0) {
                frames.add(1 + random.nextInt(frames.size() - 1), frames.get(1 + random.nextInt(pages)));
            }
            Object streamed = outcome(frames, "streamed-" + round + ".db", true);
            Object fromFile = outcome(frames, "file-" + round + ".db", false);
            assertThat(streamed).as("round %d of seed %d", round, seed).isEqualTo(fromFile);
            refused += streamed instanceof String ? 1 : 0;
        }
        assertThat(refused).as("some corruptions are refused").isPositive();
    }

    /** The installed file's bytes, or the message of the SyncProtocolException. */
    private Object outcome(List<PullFrame> frames, String name, boolean streamedChecks) throws Exception {
        Path target = folder.resolve(name);
        try {
            new SnapshotFileWriter(Schedulers.boundedElastic(), WriteBehind.DEFAULT_FLUSH_BYTES, streamedChecks)
                    .write(Flux.fromIterable(frames), target).block(WAIT);
        } catch (SyncProtocolException e) {
            assertThat(target).doesNotExist();
            return e.getMessage();
        }
        return ByteBuffer.wrap(Files.readAllBytes(target));
    }

    /** A table of 300 rows, 20 of them 5,000 bytes long (with overflow pages), and an index. */
    private byte[] overflowing(String name) throws Exception {
        Path file = folder.resolve(name);
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT, x BLOB)");
            statement.execute("CREATE INDEX t_v ON t(v)");
            for (int row = 1; row <= 300; row++) {
                statement.execute("INSERT INTO t(v, x) VALUES ('v" + (row * 7919 % 300) + "', randomblob("
                        + (row % 15 == 0 ? 5000 : 200) + "))");
            }
        }
        return Files.readAllBytes(file);
    }

    private static SnapshotFileWriter writer() {
        return new SnapshotFileWriter(Schedulers.boundedElastic());
    }

    /** A database with table {@code s} (page 2) and its index {@code s_v} (page 3) holding {@code rows} rows. */
    private byte[] database(String name, int rows) throws Exception {
        Path file = folder.resolve(name);
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE s(id INTEGER PRIMARY KEY, v TEXT)");
            statement.execute("CREATE INDEX s_v ON s(v)");
            for (int row = 0; row < rows; row++) {
                statement.execute("INSERT INTO s(v) VALUES ('" + (char) ('a' + row) + "')");
            }
        }
        return Files.readAllBytes(file);
    }

    /** A database with a table of {@code rows} rows of 1,000 random bytes each (about a page per three rows). */
    private byte[] blobs(String name, int rows) throws Exception {
        Path file = folder.resolve(name);
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE b(id INTEGER PRIMARY KEY, x BLOB)");
            for (int row = 0; row < rows; row++) {
                statement.execute("INSERT INTO b(x) VALUES (randomblob(1000))");
            }
        }
        return Files.readAllBytes(file);
    }

    private static List<PullFrame> frames(byte[] database) {
        long pages = database.length / PAGE_SIZE;
        List<PullFrame> frames = new ArrayList<>();
        frames.add(new PullHeader(PullUpdatesRespProtoBody.newBuilder().setServerRevision("r1").setDbSize(pages)
                .build()));
        for (int page = 0; page < pages; page++) {
            frames.add(new PulledPage(page, ByteString.copyFrom(Arrays.copyOfRange(database, page * PAGE_SIZE,
                    (page + 1) * PAGE_SIZE))));
        }
        return frames;
    }
}
