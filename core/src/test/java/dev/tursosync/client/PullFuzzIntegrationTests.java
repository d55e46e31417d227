package dev.tursosync.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tursosync.MutationResult;
import dev.tursosync.SyncClient;
import dev.tursosync.TursoSyncException;
import dev.tursosync.internal.capture.ChangeCapture;
import dev.tursosync.internal.events.ChangeEventDecoder;
import dev.tursosync.internal.meta.MetadataStore;
import dev.tursosync.internal.meta.SyncMetadata;
import dev.tursosync.internal.pull.PullApplier;
import dev.tursosync.internal.pull.StagedPages;
import dev.tursosync.internal.rebase.DatabaseFiles;
import dev.tursosync.internal.rebase.LocalReplay;
import dev.tursosync.testing.LocalSyncServer;
import dev.tursosync.testing.TursoServerExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Schedulers;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fuzzer of pull replies: one real pull (inserts, updates, deletes and overflow rows, a new table,
 * with a local change pending) is recorded through a proxy together with the replica it applies to; then each
 * iteration applies a seeded random mutation of it (bit flips, byte runs, zeroed tails, garbage pages, swapped,
 * dropped, duplicated or renumbered pages, header and b-tree header fields, cell pointers, the announced size) to a
 * copy of that replica, in process. A refused pull must be a {@link TursoSyncException} that left the files as they
 * were; an accepted one must pass {@code integrity_check} (which also matches every index entry with its row) with
 * the pending change replayed; no file may stay open. A mutation that drops or renumbers a page leaves a changed page
 * unsent, with its old image in place: the pull must be refused when that page belongs to the table or its index.
 *
 * <p>The recorded table has an index with a {@code NOCASE} and a {@code DESC} column (its text mixes cases, so
 * {@code BINARY} order would differ), so mutations hit index pages, including swapped cells whose structure stays
 * valid; before the mutations, the unmutated reply must be accepted (no false alarm on a valid pull).
 *
 * <p>{@code -Dhostile.fuzz.iterations=N} (default 1000) and {@code -Dhostile.fuzz.seed=S} (default fixed); a failure
 * names the seed of its iteration, which {@code -Dhostile.fuzz.seed=S -Dhostile.fuzz.iterations=1} replays.
 */
@ExtendWith(TursoServerExtension.class)
final class PullFuzzIntegrationTests {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final long LOCAL_ID = 9_000_001L;

    private final LocalSyncServer server;
    @TempDir
    Path dir;

    PullFuzzIntegrationTests(LocalSyncServer server) {
        this.server = server;
    }

    @Test
    void mutatedPullsAreRefusedOrLeaveAWellFormedReplica() throws Exception {
        int iterations = Integer.getInteger("hostile.fuzz.iterations", 1000);
        long seed = Long.getLong("hostile.fuzz.seed", 0x5eed_f022L);
        System.out.println("PullFuzzIntegrationTests: seed " + seed + ", " + iterations + " iterations");
        Path template = Files.createDirectories(dir.resolve("template"));
        byte[] recorded = record(template);
        Path templateDb = template.resolve("replica.db");
        SyncMetadata metadata = new MetadataStore(templateDb).read().orElseThrow();
        byte[] templateBytes = Files.readAllBytes(templateDb);
        long templateWal = sizeOf(DatabaseFiles.walOf(templateDb));
        int refused = 0;
        for (int i = -1; i < iterations; i++) {
            long iterationSeed = seed + i;
            Path work = dir.resolve("work");
            reset(template, work);
            Path db = work.resolve("replica.db");
            PullReply reply = PullReply.decode(recorded);
            String mutation = i < 0 ? "none: the recorded pull" : mutate(reply, new Random(iterationSeed));
            String what = "seed " + iterationSeed + " (" + mutation + ")";
            PullApplier applier = new PullApplier(db, new ChangeEventDecoder(0.5)::decode,
                    new LocalReplay(new ChangeCapture(), change -> MutationResult.keep()), Schedulers.immediate(),
                    Schedulers.immediate());
            Map<Long, byte[]> pages = new LinkedHashMap<>();
            for (int page = 0; page < reply.size(); page++) {
                pages.put(reply.number(page), reply.images.get(page));
            }
            boolean accepted;
            try (StagedPages staged = StagedPages.of(pages)) {
                applier.finish(applier.apply(staged, reply.header.getServerRevision(), reply.dbSize(),
                        metadata.clientId(), metadata.pullGeneration(), metadata.syncedWal()).block());
                accepted = true;
            } catch (TursoSyncException e) {
                accepted = false;
            } catch (RuntimeException | Error e) {
                throw new AssertionError("untyped error for " + what, e);
            }
            if (i < 0) {
                assertThat(accepted).as("the unmutated pull is accepted").isTrue();
                assertThat(check(db, "PRAGMA integrity_check")).as("integrity of the good pull").isEqualTo("ok");
                continue;
            }
            if (accepted) {
                assertThat(check(db, "PRAGMA integrity_check")).as("integrity_check after " + what).isEqualTo("ok");
            } else {
                refused++;
                assertThat(applier.hasJournal()).as("journal after " + what).isFalse();
                assertThat(Files.readAllBytes(db)).as("file after " + what).isEqualTo(templateBytes);
                assertThat(sizeOf(DatabaseFiles.walOf(db))).as("WAL after " + what).isEqualTo(templateWal);
                assertThat(check(db, "PRAGMA integrity_check")).as("integrity after " + what).isEqualTo("ok");
            }
            assertThat(check(db, "SELECT count(*) FROM fz WHERE id = " + LOCAL_ID)).as("pending change after "
                    + what).isEqualTo("1");
            assertThat(OpenFiles.under(work)).as("open files after " + what).isEmpty();
        }
        System.out.println("PullFuzzIntegrationTests: " + refused + " of " + iterations + " mutated pulls refused, "
                + (iterations - refused) + " accepted");
        assertThat(refused).as("most mutations break the pull").isGreaterThan(iterations / 2);
    }

    /** Records a real pull and the replica it applies to (in {@code template}); returns the reply's body. */
    private byte[] record(Path template) throws IOException {
        try (RemoteSql remote = new RemoteSql(server.url());
             RewritingProxy proxy = new RewritingProxy(server.url())) {
            remote.transaction("CREATE TABLE fz (id INTEGER PRIMARY KEY, v TEXT, n INTEGER)",
                    "CREATE INDEX fz_ix ON fz (v COLLATE NOCASE, n DESC)", rows(1, 150, "a"),
                    "INSERT INTO fz (id, v, n) VALUES (1000, '" + "o".repeat(9000) + "', 1)");
            Path db = dir.resolve("replica.db");
            SyncClient client = SyncClientsForTests.open(db, proxy.url());
            LocalSql.execute(client, "INSERT INTO fz (id, v, n) VALUES (" + LOCAL_ID + ", 'local', 2)");
            client.close().block(WAIT);
            remote.transaction(rows(151, 260, "B"), "UPDATE fz SET v = 'changed-' || id WHERE id % 7 = 0",
                    "DELETE FROM fz WHERE id % 11 = 0",
                    "INSERT INTO fz (id, v, n) VALUES (2000, '" + "p".repeat(15000) + "', 3)",
                    "CREATE TABLE fz2 (k TEXT, v BLOB)",
                    "INSERT INTO fz2 VALUES ('a', x'00'), ('b', x'0102')");
            copy(dir, template);
            SyncClient again = SyncClientsForTests.open(db, proxy.url());
            again.pullChanges().collectList().block(WAIT);
            again.close().block(WAIT);
            byte[] body = proxy.lastPullBody();
            assertThat(body).as("a recorded pull").isNotNull();
            assertThat(PullReply.decode(body).size()).as("pages in the recorded pull").isGreaterThan(10);
            return body;
        }
    }

    private static String rows(int from, int to, String prefix) {
        StringBuilder sql = new StringBuilder("INSERT INTO fz (id, v, n) VALUES ");
        for (int id = from; id <= to; id++) {
            sql.append(id == from ? "" : ", ").append("(").append(id).append(", '").append(prefix).append(id)
                    .append("-").append("x".repeat(150)).append("', ").append(id).append(")");
        }
        return sql.toString();
    }

    /** Applies one random mutation; returns what it did. */
    static String mutate(PullReply reply, Random random) {
        int pick = random.nextInt(reply.size());
        byte[] image = reply.images.get(pick);
        long page = reply.number(pick);
        switch (random.nextInt(14)) {
            case 0 -> {
                int flips = 1 + random.nextInt(8);
                for (int i = 0; i < flips; i++) {
                    int bit = random.nextInt(image.length * 8);
                    image[bit / 8] ^= (byte) (1 << (bit % 8));
                }
                return flips + " bit flips in page " + page;
            }
            case 1 -> {
                int offset = random.nextInt(image.length);
                int length = Math.min(image.length - offset, 1 + random.nextInt(64));
                byte[] run = new byte[length];
                random.nextBytes(run);
                System.arraycopy(run, 0, image, offset, length);
                return length + " random bytes at " + offset + " of page " + page;
            }
            case 2 -> {
                int from = random.nextInt(image.length);
                Arrays.fill(image, from, image.length, (byte) 0);
                return "page " + page + " zeroed from " + from;
            }
            case 3 -> {
                random.nextBytes(image);
                return "page " + page + " replaced by random bytes";
            }
            case 4 -> {
                int other = random.nextInt(reply.size());
                byte[] copy = image.clone();
                System.arraycopy(reply.images.get(other), 0, image, 0, image.length);
                System.arraycopy(copy, 0, reply.images.get(other), 0, copy.length);
                return "pages " + page + " and " + reply.number(other) + " swapped";
            }
            case 5 -> {
                reply.order.remove(pick);
                reply.images.remove(pick);
                return "page " + page + " dropped";
            }
            case 6 -> {
                int other = random.nextInt(reply.size());
                System.arraycopy(reply.images.get(other), 0, image, 0, image.length);
                return "page " + page + " replaced by a copy of page " + reply.number(other);
            }
            case 7 -> {
                long[] sizes = {0, 1, reply.dbSize() - 1, reply.dbSize() + 1, reply.dbSize() + 3, 1L << 31,
                        1L << 40, reply.dbSize() / 2};
                long size = sizes[random.nextInt(sizes.length)];
                reply.header.setDbSize(Math.max(0, size));
                return "db_size " + size;
            }
            case 8 -> {
                long number = 1 + random.nextInt((int) reply.dbSize() + 3);
                reply.order.get(pick)[0] = number;
                return "page " + page + " sent as page " + number;
            }
            case 9 -> {
                int first = reply.indexOf(1);
                byte[] page1 = first >= 0 ? reply.images.get(first) : image;
                int offset = random.nextInt(100);
                page1[offset] = (byte) random.nextInt(256);
                return "database header byte " + offset;
            }
            case 10 -> {
                int header = page == 1 ? 100 : 0;
                int offset = header + 1 + random.nextInt(7);
                image[offset] = (byte) random.nextInt(256);
                return "b-tree header byte " + offset + " of page " + page;
            }
            case 11 -> {
                int header = page == 1 ? 100 : 0;
                int cells = ((image[header + 3] & 0xff) << 8) | (image[header + 4] & 0xff);
                int pointerArray = header + ((image[header] & 0xff) == 13 || (image[header] & 0xff) == 10 ? 8 : 12);
                if (cells == 0 || pointerArray + 2 * cells > image.length) {
                    image[header + 3] ^= 1;
                    return "cell count of page " + page;
                }
                int cell = random.nextInt(cells);
                PullReply.u16(image, pointerArray + 2 * cell, random.nextInt(4096));
                return "cell pointer " + cell + " of page " + page;
            }
            case 12 -> {
                int header = page == 1 ? 100 : 0;
                int cells = ((image[header + 3] & 0xff) << 8) | (image[header + 4] & 0xff);
                int pointerArray = header + ((image[header] & 0xff) == 13 || (image[header] & 0xff) == 10 ? 8 : 12);
                if (cells < 2 || pointerArray + 2 * cells > image.length) {
                    image[header + 4] ^= 1;
                    return "cell count of page " + page + " (no cells to swap)";
                }
                int x = random.nextInt(cells);
                int y = (x + 1 + random.nextInt(cells - 1)) % cells;
                int pointer = PullReply.u16(image, pointerArray + 2 * x);
                PullReply.u16(image, pointerArray + 2 * x, PullReply.u16(image, pointerArray + 2 * y));
                PullReply.u16(image, pointerArray + 2 * y, pointer);
                return "cells " + x + " and " + y + " of page " + page + " (type " + (image[header] & 0xff)
                        + ") swapped";
            }
            default -> {
                int keep = random.nextInt(reply.size());
                reply.order.subList(keep, reply.size()).clear();
                reply.images.subList(keep, reply.images.size()).clear();
                return "only the first " + keep + " pages";
            }
        }
    }

    /** The rows of a check as one string; SQLite refusing to run it (a corrupt file) is its error message. */
    private static String check(Path db, String sql) throws Exception {
        try {
            return rowsOf(db, sql);
        } catch (java.sql.SQLException e) {
            return e.getMessage();
        }
    }

    private static String rowsOf(Path db, String sql) throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            List<String> values = new ArrayList<>();
            while (rows.next()) {
                values.add(rows.getString(1));
            }
            return String.join("; ", values);
        }
    }

    private static void reset(Path template, Path work) throws IOException {
        if (Files.exists(work)) {
            try (Stream<Path> files = Files.list(work)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
        }
        Files.createDirectories(work);
        copy(template, work);
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.toList()) {
                if (Files.isRegularFile(file) && file.getFileName().toString().startsWith("replica.db")) {
                    Files.copy(file, to.resolve(file.getFileName()));
                }
            }
        }
    }

    private static long sizeOf(Path file) throws IOException {
        return Files.exists(file) ? Files.size(file) : -1;
    }
}
