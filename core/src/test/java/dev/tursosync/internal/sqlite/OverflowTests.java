package dev.tursosync.internal.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

final class OverflowTests {

    @TempDir
    Path dir;

    private static String text(int length, long seed) {
        Random random = new Random(seed);
        String alphabet = "abcdefghijklmnopqrstuvwxyz ÄÖÜß✓日本𝄞";
        StringBuilder sb = new StringBuilder();
        while (sb.length() < length) {
            sb.appendCodePoint(alphabet.codePointAt(alphabet.offsetByCodePoints(0,
                    random.nextInt(alphabet.codePointCount(0, alphabet.length())))));
        }
        return sb.toString();
    }

    private static byte[] blob(int length, long seed) {
        byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void assemblesRowsLargerThanAPageAndListsTheirOverflowPages() throws IOException {
        List<List<Object>> rows = List.of(
                Arrays.asList(text(10_000, 1), null),
                Arrays.asList(text(100_000, 2), null),
                Arrays.asList(null, blob(10 * 1024, 3)),
                Arrays.asList(null, blob(100 * 1024, 4)),
                Arrays.asList("small", blob(10, 5)),
                Arrays.asList(text(10 * 1024, 6), blob(100 * 1024, 7)),
                Arrays.asList("", new byte[0]));
        Path db = TestDatabases.create(dir.resolve("big.db"), connection -> {
            connection.createStatement().execute("CREATE TABLE big(id INTEGER PRIMARY KEY, t TEXT, b BLOB)");
            TestDatabases.insert(connection, "INSERT INTO big(t, b) VALUES (?, ?)", rows);
        });

        try (FileChannel file = FileChannel.open(db, StandardOpenOption.READ)) {
            PageSource source = PageSource.ofFile(file);
            DatabaseHeader header = DatabaseHeader.read(source);
            long root = TableReading.rootPage(source, "big");

            assertThat(TableReading.rowidAndValues(source, "big"))
                    .isEqualTo(TestDatabases.query(db, "SELECT id, NULL, t, b FROM big ORDER BY id"));

            // Overflow pages per cell, against dbstat paths: "<leaf path><cell index as %03x>+<n as %06x>".
            Map<Long, String> pathOfPage = new HashMap<>();
            Map<String, List<Long>> overflowByCell = new TreeMap<>();
            for (TestDatabases.PageStat stat : TestDatabases.dbstat(db, "big")) {
                pathOfPage.put(stat.pageNumber(), stat.path());
                if (stat.pageType().equals("overflow")) {
                    String cell = stat.path().substring(0, stat.path().indexOf('+'));
                    overflowByCell.computeIfAbsent(cell, k -> new ArrayList<>()).add(stat.pageNumber());
                }
            }
            Set<Long> allOverflow = new HashSet<>();
            int spilled = 0;
            for (long leaf : TableTreeWalker.forDatabase(source).leafPages(root)) {
                BTreePage page = BTreePage.read(source, leaf, header.usableSize());
                LeafRows leafRows = LeafRows.read(source, leaf, header);
                for (int i = 0; i < page.cellCount(); i++) {
                    TableLeafCell cell = page.tableLeafCell(i);
                    List<Long> expected = overflowByCell.getOrDefault(
                            pathOfPage.get(leaf) + String.format("%03x", i), List.of());
                    assertThat(cell.overflowPages(source)).as("overflow of rowid %d", cell.rowid())
                            .isEqualTo(expected);
                    assertThat(cell.overflowPageCount()).isEqualTo(expected.size());
                    assertThat(cell.hasOverflow()).isEqualTo(!expected.isEmpty());
                    assertThat(leafRows.overflowPages(leafRows.indexOf(cell.rowid()))).isEqualTo(expected);
                    byte[] payload = cell.payload(source);
                    assertThat((long) payload.length).isEqualTo(cell.payloadSize());
                    assertThat(Arrays.copyOf(payload, cell.localPayloadSize())).isEqualTo(cell.localPayload());
                    allOverflow.addAll(expected);
                    spilled += expected.isEmpty() ? 0 : 1;
                }
            }
            assertThat(spilled).isEqualTo(5);
            assertThat(allOverflow).containsExactlyInAnyOrderElementsOf(
                    TestDatabases.dbstatPages(db, "big", "overflow"));
        }
    }

    @Test
    void localPayloadSizeMatchesSqliteForEveryKindOfSpill() {
        // Sizes around X = U - 35, around the K/M switch, on exact multiples of U - 4, and random ones.
        List<Integer> sizes = new ArrayList<>();
        for (int s = 4030; s <= 4090; s++) {
            sizes.add(s);
        }
        for (int pages = 1; pages <= 4; pages++) {
            for (int d = -40; d <= 40; d += 5) {
                sizes.add(4061 + pages * 4092 + d);
                sizes.add(489 + pages * 4092 + d);
            }
        }
        Random random = new Random(42);
        for (int i = 0; i < 100; i++) {
            sizes.add(random.nextInt(30_000));
        }
        List<List<Object>> rows = new ArrayList<>();
        for (int i = 0; i < sizes.size(); i++) {
            rows.add(List.of(blob(sizes.get(i), i)));
        }
        Path db = TestDatabases.create(dir.resolve("sizes.db"), connection -> {
            connection.createStatement().execute("CREATE TABLE s(b BLOB)");
            TestDatabases.insert(connection, "INSERT INTO s VALUES (?)", rows);
        });
        PageSource source = TestDatabases.inMemory(db);
        TreeMap<Long, TableReading.Row> decoded = TableReading.rows(source, TableReading.rootPage(source, "s"));
        assertThat(decoded).hasSize(rows.size());
        int i = 0;
        long overflowPages = 0;
        for (TableReading.Row row : decoded.values()) {
            assertThat((byte[]) row.values().get(0)).isEqualTo(rows.get(i++).get(0));
            overflowPages += row.overflowPages().size();
        }
        assertThat(overflowPages).isEqualTo(TestDatabases.dbstatPages(db, "s", "overflow").size());
    }

    @Test
    void reservedBytesShrinkTheUsableSize() throws IOException {
        Path db = dir.resolve("reserved.db");
        Files.write(db, emptyDatabaseWithReservedBytes(4096, 40));
        List<List<Object>> rows = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            rows.add(List.of(i, text(i * 997, i), blob(i * 1500, i)));
        }
        TestDatabases.create(db, connection -> {
            connection.createStatement().execute("CREATE TABLE r(id INTEGER PRIMARY KEY, t, b)");
            TestDatabases.insert(connection, "INSERT INTO r VALUES (?, ?, ?)", rows);
        });
        assertThat(TestDatabases.query(db, "PRAGMA integrity_check")).containsExactly(List.of("ok"));

        PageSource source = TestDatabases.inMemory(db);
        DatabaseHeader header = DatabaseHeader.read(source);
        assertThat(header.reservedBytes()).isEqualTo(40);
        assertThat(header.usableSize()).isEqualTo(4056);
        assertThat(TableReading.rowidAndValues(source, "r"))
                .isEqualTo(TestDatabases.query(db, "SELECT id, NULL, t, b FROM r ORDER BY id"));
        long overflow = TableReading.rows(source, TableReading.rootPage(source, "r")).values().stream()
                .mapToLong(row -> row.overflowPages().size()).sum();
        assertThat(overflow).isEqualTo(TestDatabases.dbstatPages(db, "r", "overflow").size());
    }

    @ParameterizedTest
    @ValueSource(ints = {512, 1024, 65536})
    void readsOtherPageSizes(int pageSize) throws IOException {
        List<List<Object>> rows = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            rows.add(List.of(text(i % 50 == 0 ? 100_000 : i * 3, i), blob(i % 7 == 0 ? 70_000 : i, i)));
        }
        Path db = TestDatabases.create(dir.resolve("ps" + pageSize + ".db"), connection -> {
            connection.createStatement().execute("PRAGMA page_size=" + pageSize);
            connection.createStatement().execute("CREATE TABLE p(t, b)");
            TestDatabases.insert(connection, "INSERT INTO p VALUES (?, ?)", rows);
        });
        try (FileChannel file = FileChannel.open(db, StandardOpenOption.READ)) {
            PageSource source = PageSource.ofFile(file);
            DatabaseHeader header = DatabaseHeader.read(source);
            assertThat(header.pageSize()).isEqualTo(pageSize);
            assertThat(source.page(1)).hasSize(pageSize);
            assertThat(TableReading.rowidAndValues(source, "p"))
                    .isEqualTo(TestDatabases.query(db, "SELECT rowid, t, b FROM p ORDER BY rowid"));
            assertThat(TableTreeWalker.forDatabase(source).leafPages(TableReading.rootPage(source, "p")))
                    .containsExactlyElementsOf(TestDatabases.dbstatPages(db, "p", "leaf"));
        }
    }

    /** Page 1 of a new, empty database whose pages keep {@code reserved} bytes at their end. */
    static byte[] emptyDatabaseWithReservedBytes(int pageSize, int reserved) {
        byte[] page = new byte[pageSize];
        byte[] magic = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(magic, 0, page, 0, magic.length);
        page[16] = (byte) (pageSize >> 8);
        page[17] = (byte) pageSize;
        page[18] = 1;
        page[19] = 1;
        page[20] = (byte) reserved;
        page[21] = 64;
        page[22] = 32;
        page[23] = 32;
        putInt(page, 24, 1); // change counter
        putInt(page, 28, 1); // database size in pages
        putInt(page, 44, 4); // schema format
        putInt(page, 56, 1); // UTF-8
        putInt(page, 92, 1); // version-valid-for
        putInt(page, 96, 3053004);
        page[100] = 13; // empty table leaf page
        int contentStart = pageSize - reserved;
        page[105] = (byte) (contentStart >> 8);
        page[106] = (byte) contentStart;
        return page;
    }

    private static void putInt(byte[] b, int offset, int value) {
        b[offset] = (byte) (value >>> 24);
        b[offset + 1] = (byte) (value >>> 16);
        b[offset + 2] = (byte) (value >>> 8);
        b[offset + 3] = (byte) value;
    }
}
