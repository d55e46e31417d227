package dev.tursosync.internal.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.tursosync.ChangeEvent;
import dev.tursosync.ChangeOperation;
import dev.tursosync.internal.sqlite.DatabaseHeader;
import dev.tursosync.internal.sqlite.LeafRows;
import dev.tursosync.internal.sqlite.PageNumberSet;
import dev.tursosync.internal.sqlite.PageSource;
import dev.tursosync.internal.sqlite.SchemaReader;
import dev.tursosync.internal.sqlite.TableTreeWalker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The decoder on two real database files: one written by SQLite, and a copy changed by more SQL; the changed pages
 * are those whose bytes differ.
 */
final class ChangeEventDecoderTests {

    private static final int PAGE = 4096;

    @TempDir
    Path dir;

    @Test
    void updatesInALargeTableGiveOneEventPerRowAndReadFewPages() throws Exception {
        Path before = table("big.db", 1, 40_000, 1, 120);
        Counting old = new Counting(pages(before));
        Counting now = new Counting(afterRunning(before, "UPDATE t SET v = 'changed-' || id WHERE id IN (5, 20000, 39999)"));

        List<ChangeEvent> events = new ChangeEventDecoder(0.5).decode(old, now, changed(old.pages, now.pages));

        assertThat(events).extracting(ChangeEvent::operation).containsOnly(ChangeOperation.UPDATE);
        assertThat(events).extracting(ChangeEvent::rowid).containsExactly(5L, 20000L, 39999L);
        assertThat(events.get(1).newValues()).isEqualTo(Map.of("id", 20000L, "v", "changed-20000"));
        assertThat(events.get(1).oldValues().get("v")).asString().startsWith("value-20000-");
        assertThat(old.pages.size()).isGreaterThan(1_000);
        assertThat(old.reads + now.reads).as("pages read").isLessThan(100);
    }

    @Test
    void rowsMovedByPageSplitsEmitNothing() throws Exception {
        Path before = table("split.db", 2, 20_000, 2, 150);

        List<ChangeEvent> events = eventsAfter(before, 0.9,
                "WITH RECURSIVE odd(id) AS (SELECT 1001 UNION ALL SELECT id + 2 FROM odd WHERE id < 1401) "
                        + "INSERT INTO t(id, v) SELECT id, hex(zeroblob(750)) FROM odd");

        assertThat(events).extracting(ChangeEvent::operation).containsOnly(ChangeOperation.INSERT);
        assertThat(events).extracting(ChangeEvent::rowid)
                .containsExactlyElementsOf(LongStream.rangeClosed(1001, 1401).filter(i -> i % 2 == 1).boxed().toList());
    }

    @Test
    void deletesAcrossFreedLeavesAreReported() throws Exception {
        Path before = table("delete.db", 1, 10_000, 1, 100);

        // SQLite writes freed pages only with secure_delete; a pull carries every page the server wrote
        List<ChangeEvent> events = eventsAfter(before, 0.9, "PRAGMA secure_delete = ON",
                "DELETE FROM t WHERE id BETWEEN 3000 AND 3199");

        assertThat(events).extracting(ChangeEvent::operation).containsOnly(ChangeOperation.DELETE);
        assertThat(events).extracting(ChangeEvent::rowid)
                .containsExactlyElementsOf(LongStream.rangeClosed(3000, 3199).boxed().toList());
        assertThat(events.get(0).oldValues()).containsEntry("id", 3000L);
    }

    @Test
    void internalTablesAreSkipped() throws Exception {
        Path before = table("internal.db", 1, 100, 1, 10);
        TestTables.run(before, "CREATE TABLE tursosync_changes(id INTEGER PRIMARY KEY, body TEXT)",
                "CREATE TABLE turso_sync_last_change_id(client_id TEXT PRIMARY KEY, change_id INTEGER)");

        List<ChangeEvent> events = eventsAfter(before, 0.5, "INSERT INTO tursosync_changes(body) VALUES ('captured')",
                "INSERT INTO turso_sync_last_change_id VALUES ('c', 1)",
                "UPDATE t SET v = 'x' WHERE id = 7");

        assertThat(events).extracting(ChangeEvent::table).containsExactly("t");
        assertThat(events.get(0).rowid()).isEqualTo(7L);
    }

    @Test
    void largeRowsRewrittenInPlaceAreTracedThroughTheirOverflowPages() throws Exception {
        Path before = table("overflow.db", 1, 2_000, 1, 50);
        TestTables.run(before, "CREATE TABLE b(id INTEGER PRIMARY KEY, data BLOB)",
                "INSERT INTO b VALUES (1, zeroblob(20000)), (2, zeroblob(20000))");
        Map<Long, byte[]> old = pages(before);
        Map<Long, byte[]> now = new HashMap<>(old);
        long overflowPage = overflowPageOfRow(old, "b", 2);
        byte[] image = now.get(overflowPage).clone();
        image[100] = 42;
        now.put(overflowPage, image);

        List<ChangeEvent> events = new ChangeEventDecoder(0.5).decode(old::get, now::get,
                PageNumberSet.of(overflowPage));

        assertThat(events).extracting(ChangeEvent::table, ChangeEvent::operation, ChangeEvent::rowid)
                .containsExactly(tuple("b", ChangeOperation.UPDATE, 2L));
    }

    /**
     * Replay fuzz epoch seed 37545818747009: tursodb rewrote a row {@code (1, NULL)} (an upsert pushed by another
     * replica) with the rowid stored in the INTEGER PRIMARY KEY column ({@code 03 09 00}) where SQLite stores NULL
     * ({@code 03 00 00}). The bytes differ, the values SQL reads do not: no event.
     */
    @Test
    void aRowidStoredInTheIntegerPrimaryKeyColumnIsNoUpdate() throws Exception {
        Path file = dir.resolve("alias.db");
        TestTables.run(file, "PRAGMA journal_mode=DELETE", "CREATE TABLE s(id INTEGER PRIMARY KEY, a)",
                "INSERT INTO s VALUES (1, NULL), (2, 'x')");
        Map<Long, byte[]> old = pages(file);
        long root = SchemaReader.read(old::get).stream().filter(entry -> entry.name().equals("s")).findFirst()
                .orElseThrow().rootPage();
        Map<Long, byte[]> now = new HashMap<>(old);
        byte[] leaf = old.get(root).clone();
        // the cell of row 1: payload size 3, rowid 1, record header size 3, serial types NULL and NULL
        int cell = indexOf(leaf, new byte[] {3, 1, 3, 0, 0});
        leaf[cell + 3] = 9;
        now.put(root, leaf);

        List<ChangeEvent> events = new ChangeEventDecoder(0.5).decode(old::get, now::get, PageNumberSet.of(root));

        assertThat(events).isEmpty();
    }

    /**
     * A row written before {@code ADD COLUMN} (its record lacks the new column) rewritten with the same values (the
     * record now holds the column's NULL): no event; a real change of another row still is one.
     */
    @Test
    void aRowRewrittenWithTheSameValuesIsNoUpdate() throws Exception {
        Path before = table("rewrite.db", 1, 50, 1, 10);
        TestTables.run(before, "ALTER TABLE t ADD COLUMN c");

        List<ChangeEvent> events = eventsAfter(before, 0.9, "UPDATE t SET v = v WHERE id = 3",
                "UPDATE t SET v = 'x' WHERE id = 4");

        assertThat(events).extracting(ChangeEvent::operation, ChangeEvent::rowid)
                .containsExactly(tuple(ChangeOperation.UPDATE, 4L));
    }

    /**
     * Cells and records read in one pass: rowids whose varints take 1 to 9 bytes (negative ones take 9), payload
     * sizes of 1 to 3 bytes, serial types of 1 to 3 bytes (text of 0, 57, 58, 8,185 and 8,186 bytes, the last
     * spilling to overflow pages), each row updated, deleted or left alone: every event with its exact values.
     */
    @Test
    void rowsOfEveryVarintLengthAreDecodedExactly() throws Exception {
        long[] rowids = {Long.MIN_VALUE, -1, 0, 1, 127, 128, 16_383, 16_384, 2_097_152, 1L << 35, 1L << 49,
                1L << 56, Long.MAX_VALUE};
        int[] lengths = {0, 57, 58, 8_185, 8_186};
        Path before = dir.resolve("varints.db");
        TestTables.run(before, "PRAGMA journal_mode=DELETE", "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + before);
             PreparedStatement insert = connection.prepareStatement("INSERT INTO t(id, v) VALUES (?, ?)")) {
            for (int i = 0; i < rowids.length; i++) {
                insert.setLong(1, rowids[i]);
                insert.setString(2, "a".repeat(lengths[i % lengths.length]));
                insert.executeUpdate();
            }
        }

        List<ChangeEvent> events = eventsAfter(before, 0.9,
                "UPDATE t SET v = replace(v, 'a', 'b') || 'c' WHERE id % 3 <> 0",
                "DELETE FROM t WHERE id = 128",
                "INSERT INTO t(id, v) VALUES (-2, 'new')");

        List<long[]> expected = new java.util.ArrayList<>();
        for (int i = 0; i < rowids.length; i++) {
            if (rowids[i] % 3 != 0) {
                expected.add(new long[] {rowids[i], lengths[i % lengths.length]});
            }
        }
        expected.add(new long[] {-2, -1});
        expected.sort(java.util.Comparator.comparingLong(row -> row[0]));
        assertThat(events).extracting(ChangeEvent::rowid)
                .containsExactlyElementsOf(expected.stream().map(row -> row[0]).toList());
        for (int i = 0; i < events.size(); i++) {
            ChangeEvent event = events.get(i);
            long rowid = expected.get(i)[0];
            int length = (int) expected.get(i)[1];
            if (rowid == -2) {
                assertThat(event.operation()).isEqualTo(ChangeOperation.INSERT);
                assertThat(event.newValues()).containsExactly(Map.entry("id", -2L), Map.entry("v", "new"));
            } else if (rowid == 128) {
                assertThat(event.operation()).isEqualTo(ChangeOperation.DELETE);
                assertThat(event.oldValues())
                        .containsExactly(Map.entry("id", 128L), Map.entry("v", "a".repeat(length)));
                assertThat(event.newValues()).isEmpty();
            } else {
                assertThat(event.operation()).as("row " + rowid).isEqualTo(ChangeOperation.UPDATE);
                assertThat(event.oldValues())
                        .containsExactly(Map.entry("id", rowid), Map.entry("v", "a".repeat(length)));
                assertThat(event.newValues())
                        .containsExactly(Map.entry("id", rowid), Map.entry("v", "b".repeat(length) + "c"));
            }
        }
    }

    private static int indexOf(byte[] bytes, byte[] part) {
        int found = -1;
        for (int i = 0; i + part.length <= bytes.length; i++) {
            if (Arrays.equals(bytes, i, i + part.length, part, 0, part.length)) {
                assertThat(found).as("one match of " + Arrays.toString(part)).isEqualTo(-1);
                found = i;
            }
        }
        assertThat(found).as("a match of " + Arrays.toString(part)).isNotNegative();
        return found;
    }

    @Test
    void manyChangedLeavesResetTheTable() throws Exception {
        Path before = table("reset.db", 1, 5_000, 1, 100);

        List<ChangeEvent> events = eventsAfter(before, 0.5, "UPDATE t SET v = upper(v)");

        assertThat(events).containsExactly(ChangeEvent.reset("t"));
    }

    /** A database with table {@code t(id INTEGER PRIMARY KEY, v TEXT)} holding ids {@code from..to} by {@code step}. */
    private Path table(String name, long from, long to, long step, int width) throws SQLException {
        Path file = dir.resolve(name);
        TestTables.run(file, "PRAGMA journal_mode=DELETE", "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
        fill(file, from, to, step, width);
        return file;
    }

    /** The events between a database and a copy changed by the statements. */
    private List<ChangeEvent> eventsAfter(Path before, double resetShare, String... statements) throws IOException {
        Map<Long, byte[]> old = pages(before);
        Map<Long, byte[]> now = afterRunning(before, statements);
        return new ChangeEventDecoder(resetShare).decode(old::get, now::get, changed(old, now));
    }

    /** The pages of a copy of the database changed by the statements. */
    private Map<Long, byte[]> afterRunning(Path before, String... statements) throws IOException {
        Path after = Files.copy(before, dir.resolve(before.getFileName() + "-after"));
        TestTables.run(after, statements);
        return pages(after);
    }

    private static void fill(Path file, long from, long to, long step, int width) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            connection.setAutoCommit(false);
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO t(id, v) VALUES (?, ?)")) {
                for (long id = from; id <= to; id += step) {
                    insert.setLong(1, id);
                    insert.setString(2, "value-" + id + "-" + "v".repeat(width));
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            connection.commit();
        }
    }

    private static Map<Long, byte[]> pages(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            Map<Long, byte[]> pages = new HashMap<>();
            for (int i = 0; i * PAGE < bytes.length; i++) {
                pages.put(i + 1L, Arrays.copyOfRange(bytes, i * PAGE, (i + 1) * PAGE));
            }
            return pages;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static PageNumberSet changed(Map<Long, byte[]> old, Map<Long, byte[]> now) {
        PageNumberSet changed = new PageNumberSet();
        now.forEach((page, image) -> {
            if (!Arrays.equals(image, old.get(page))) {
                changed.add(page);
            }
        });
        return changed;
    }

    /** The second overflow page of a row (found by walking the table, as the test's own reference). */
    private static long overflowPageOfRow(Map<Long, byte[]> pages, String table, long rowid) {
        PageSource source = pages::get;
        DatabaseHeader header = DatabaseHeader.read(source);
        long root = SchemaReader.read(source).stream().filter(entry -> entry.name().equals(table)).findFirst()
                .orElseThrow().rootPage();
        for (long leaf : TableTreeWalker.forDatabase(source).leafPageNumbers(root)) {
            LeafRows rows = LeafRows.read(source, leaf, header);
            int index = rows.indexOf(rowid);
            if (index >= 0) {
                return rows.overflowPages(index).get(1);
            }
        }
        throw new IllegalStateException("no row " + rowid + " in " + table);
    }

    /** Counts page reads. */
    private static final class Counting implements PageSource {
        final Map<Long, byte[]> pages;
        int reads;

        Counting(Map<Long, byte[]> pages) {
            this.pages = pages;
        }

        @Override
        public byte[] page(long pageNumber) {
            reads++;
            return pages.get(pageNumber);
        }
    }
}
