package dev.tursosync.internal.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class MalformedInputTests {

    private static final int U = 4096;

    @TempDir
    static Path dir;

    private static Path db;
    private static long root;

    @BeforeAll
    static void createDatabase() {
        List<List<Object>> rows = new ArrayList<>();
        Random random = new Random(7);
        for (int i = 0; i < 300; i++) {
            byte[] blob = new byte[i % 40 == 0 ? 15_000 : 40];
            random.nextBytes(blob);
            rows.add(List.of("row " + i + " ✓", blob, i * 1000L));
        }
        db = TestDatabases.create(dir.resolve("m.db"), connection -> {
            connection.createStatement().execute("CREATE TABLE t(id INTEGER PRIMARY KEY, s TEXT, b BLOB, n)");
            TestDatabases.insert(connection, "INSERT INTO t(s, b, n) VALUES (?, ?, ?)", rows);
        });
        root = TestDatabases.rootPage(db, "t");
    }

    private static Map<Long, byte[]> pages() {
        return TestDatabases.pages(db);
    }

    /** Decodes the whole table and every value, the way a change computation would. */
    private static int decodeTable(PageSource source) {
        DatabaseHeader header = DatabaseHeader.read(source);
        int values = 0;
        for (long leaf : TableTreeWalker.forDatabase(source).leafPages(root)) {
            LeafRows rows = LeafRows.read(source, leaf, header);
            for (int i = 0; i < rows.size(); i++) {
                values += rows.values(i).size();
            }
        }
        return values;
    }

    private static long firstLeaf(Map<Long, byte[]> pages) {
        return new TableTreeWalker(TestDatabases.of(pages), U).leafPages(root).iterator().next();
    }

    private static long lastLeaf(Map<Long, byte[]> pages) {
        long last = 0;
        for (long leaf : new TableTreeWalker(TestDatabases.of(pages), U).leafPages(root)) {
            last = leaf;
        }
        return last;
    }

    private static void put16(byte[] b, int offset, int value) {
        b[offset] = (byte) (value >> 8);
        b[offset + 1] = (byte) value;
    }

    private static void put32(byte[] b, int offset, long value) {
        b[offset] = (byte) (value >>> 24);
        b[offset + 1] = (byte) (value >>> 16);
        b[offset + 2] = (byte) (value >>> 8);
        b[offset + 3] = (byte) value;
    }

    @Test
    void theUncorruptedDatabaseDecodes() {
        assertThat(decodeTable(TestDatabases.of(pages()))).isEqualTo(300 * 4);
        assertThat(new TableTreeWalker(TestDatabases.of(pages()), U).walk(root).depth()).isEqualTo(1);
    }

    @Test
    void badMagic() {
        Map<Long, byte[]> pages = pages();
        pages.get(1L)[3] = 'X';
        PageSource source = TestDatabases.of(pages);
        assertThatThrownBy(() -> DatabaseHeader.read(source)).isInstanceOf(SqliteFormatException.class)
                .hasMessageContaining("magic");
        assertThatThrownBy(() -> SchemaReader.read(source)).isInstanceOf(SqliteFormatException.class);
        assertThatThrownBy(() -> TableTreeWalker.forDatabase(source)).isInstanceOf(SqliteFormatException.class);
    }

    @Test
    void badPageType() {
        Map<Long, byte[]> pages = pages();
        long leaf = lastLeaf(pages);
        pages.get(leaf)[0] = 7;
        PageSource source = TestDatabases.of(pages);
        assertThatThrownBy(() -> BTreePage.read(source, leaf, U)).isInstanceOf(SqliteFormatException.class)
                .hasMessageContaining("bad b-tree page type 7");
        assertThatThrownBy(() -> decodeTable(source)).isInstanceOf(SqliteFormatException.class);

        Map<Long, byte[]> badRoot = pages();
        badRoot.get(root)[0] = 0;
        assertThatThrownBy(() -> new TableTreeWalker(TestDatabases.of(badRoot), U).leafPages(root))
                .isInstanceOf(SqliteFormatException.class);

        Map<Long, byte[]> indexLeafInTable = pages();
        indexLeafInTable.get(firstLeaf(indexLeafInTable))[0] = 10;
        assertThatThrownBy(() -> new TableTreeWalker(TestDatabases.of(indexLeafInTable), U).leafPages(root))
                .isInstanceOf(SqliteFormatException.class).hasMessageContaining("LEAF_INDEX");
    }

    @Test
    void cellPointerPastThePageEnd() {
        Map<Long, byte[]> pages = pages();
        long leaf = lastLeaf(pages);
        byte[] image = pages.get(leaf);
        put16(image, 8, 0xfff0);
        assertThatThrownBy(() -> BTreePage.parse(leaf, image, U)).isInstanceOf(SqliteFormatException.class)
                .hasMessageContaining("pointer");
        put16(image, 8, 4095);
        assertThatThrownBy(() -> BTreePage.parse(leaf, image, U)).isInstanceOf(SqliteFormatException.class);
        // in range, but the cell does not fit: payload-size varint 0x81 0x80 ... runs off the page
        put16(image, 8, 4094);
        image[4094] = (byte) 0x81;
        image[4095] = (byte) 0x80;
        assertThatThrownBy(() -> BTreePage.parse(leaf, image, U).tableLeafCells())
                .isInstanceOf(SqliteFormatException.class).hasMessageContaining("varint");
        // a cell pointer that points into the cell pointer array
        put16(image, 8, 9);
        assertThatThrownBy(() -> BTreePage.parse(leaf, image, U)).isInstanceOf(SqliteFormatException.class);
        // the cell fits the page but not the usable area when bytes are reserved
        Map<Long, byte[]> fresh = pages();
        byte[] last = fresh.get(leaf);
        BTreePage page = BTreePage.parse(leaf, last, U);
        int maxPointer = 0;
        for (int p : page.cellPointers()) {
            maxPointer = Math.max(maxPointer, p);
        }
        int usableBelowLastCell = maxPointer + 3;
        assertThatThrownBy(() -> BTreePage.parse(leaf, last, Math.max(480, usableBelowLastCell)).tableLeafCells())
                .isInstanceOf(SqliteFormatException.class);
        // more cells than the page can point to
        Map<Long, byte[]> many = pages();
        put16(many.get(leaf), 3, 0xffff);
        assertThatThrownBy(() -> BTreePage.read(TestDatabases.of(many), leaf, U))
                .isInstanceOf(SqliteFormatException.class).hasMessageContaining("cell pointer array");
        // an interior cell pointer past the end
        Map<Long, byte[]> interior = pages();
        put16(interior.get(root), 12, 4094);
        assertThatThrownBy(() -> new TableTreeWalker(TestDatabases.of(interior), U).leafPages(root))
                .isInstanceOf(SqliteFormatException.class);
    }

    /** A row whose payload needs at least three overflow pages, and its leaf and chain. */
    private record Spill(long leaf, int cell, List<Long> chain) {
    }

    private static Spill spill(Map<Long, byte[]> pages) {
        PageSource source = TestDatabases.of(pages);
        for (long leaf : new TableTreeWalker(source, U).leafPages(root)) {
            BTreePage page = BTreePage.read(source, leaf, U);
            for (int i = 0; i < page.cellCount(); i++) {
                List<Long> chain = page.tableLeafCell(i).overflowPages(source);
                if (chain.size() >= 3) {
                    return new Spill(leaf, i, chain);
                }
            }
        }
        throw new AssertionError("no spilled row");
    }

    @Test
    void overflowCycleAndBrokenChains() {
        Map<Long, byte[]> pages = pages();
        Spill spill = spill(pages);
        List<Long> chain = spill.chain();

        Map<Long, byte[]> cycle = pages();
        put32(cycle.get(chain.get(1)), 0, chain.get(0));
        assertThatThrownBy(() -> cellOf(cycle, spill).payload(TestDatabases.of(cycle)))
                .isInstanceOf(SqliteFormatException.class).hasMessageContaining("revisits");
        assertThatThrownBy(() -> cellOf(cycle, spill).overflowPages(TestDatabases.of(cycle)))
                .isInstanceOf(SqliteFormatException.class);
        assertThatThrownBy(() -> decodeTable(TestDatabases.of(cycle))).isInstanceOf(SqliteFormatException.class);

        Map<Long, byte[]> selfLoop = pages();
        put32(selfLoop.get(chain.get(0)), 0, chain.get(0));
        assertThatThrownBy(() -> cellOf(selfLoop, spill).payload(TestDatabases.of(selfLoop)))
                .isInstanceOf(SqliteFormatException.class).hasMessageContaining("revisits");

        Map<Long, byte[]> tooLong = pages();
        put32(tooLong.get(chain.get(chain.size() - 1)), 0, chain.get(0));
        assertThatThrownBy(() -> cellOf(tooLong, spill).payload(TestDatabases.of(tooLong)))
                .isInstanceOf(SqliteFormatException.class).hasMessageContaining("continues");

        Map<Long, byte[]> tooShort = pages();
        put32(tooShort.get(chain.get(0)), 0, 0);
        assertThatThrownBy(() -> cellOf(tooShort, spill).payload(TestDatabases.of(tooShort)))
                .isInstanceOf(SqliteFormatException.class).hasMessageContaining("ends");

        Map<Long, byte[]> missing = pages();
        missing.remove(chain.get(1));
        assertThatThrownBy(() -> cellOf(missing, spill).payload(TestDatabases.of(missing)))
                .isInstanceOf(SqliteFormatException.class).hasMessageContaining("missing");

    }

    @Test
    void aHugePayloadSizeWithAShortChainFailsWithoutAllocatingIt() {
        long payloadSize = 2_000_000_000L;
        int local = OverflowChain.localPayloadSizeOfTableLeaf(payloadSize, U);
        byte[] leaf = emptyLeaf();
        byte[] size = varint(payloadSize);
        int cellOffset = U - (size.length + 1 + local + 4);
        put16(leaf, 3, 1);
        put16(leaf, 5, cellOffset);
        put16(leaf, 8, cellOffset);
        System.arraycopy(size, 0, leaf, cellOffset, size.length);
        leaf[cellOffset + size.length] = 1; // rowid
        put32(leaf, U - 4, 3);
        byte[] overflow = new byte[U];
        Map<Long, byte[]> pages = Map.of(2L, leaf, 3L, overflow);

        TableLeafCell cell = BTreePage.parse(2, leaf, U).tableLeafCell(0);
        assertThat(cell.payloadSize()).isEqualTo(payloadSize);
        assertThat(cell.firstOverflowPage()).isEqualTo(3);
        assertThat(cell.overflowPageCount()).isEqualTo((payloadSize - local + U - 5) / (U - 4));
        assertThatThrownBy(() -> cell.payload(TestDatabases.of(pages)))
                .isInstanceOf(SqliteFormatException.class).hasMessageContaining("ends after 1 of");
        assertThatThrownBy(() -> LeafRows.read(2, leaf, TestDatabases.of(pages), U, TextEncoding.UTF_8))
                .isInstanceOf(SqliteFormatException.class);
    }

    private static byte[] varint(long value) {
        List<Byte> groups = new ArrayList<>();
        do {
            groups.add(0, (byte) (value & 0x7f));
            value >>>= 7;
        } while (value != 0);
        byte[] out = new byte[groups.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) (groups.get(i) | (i < out.length - 1 ? 0x80 : 0));
        }
        return out;
    }

    private static TableLeafCell cellOf(Map<Long, byte[]> pages, Spill spill) {
        return BTreePage.parse(spill.leaf(), pages.get(spill.leaf()), U).tableLeafCell(spill.cell());
    }

    /** An interior table page with no cells whose right-most pointer is {@code child}. */
    private static byte[] interior(long child) {
        byte[] page = new byte[U];
        page[0] = 5;
        put16(page, 5, 0); // content area starts at 65536: empty
        put32(page, 8, child);
        return page;
    }

    private static byte[] emptyLeaf() {
        byte[] page = new byte[U];
        page[0] = 13;
        return page;
    }

    @Test
    void interiorCyclesDeepTreesAndUnbalancedTrees() {
        Map<Long, byte[]> selfLoop = new HashMap<>();
        selfLoop.put(2L, interior(2));
        assertThatThrownBy(() -> new TableTreeWalker(TestDatabases.of(selfLoop), U).leafPages(2))
                .isInstanceOf(SqliteFormatException.class).hasMessageContaining("loops back");

        Map<Long, byte[]> deep = new HashMap<>();
        for (long p = 2; p < 102; p++) {
            deep.put(p, interior(p + 1));
        }
        deep.put(102L, emptyLeaf());
        assertThatThrownBy(() -> new TableTreeWalker(TestDatabases.of(deep), U).leafPages(2))
                .isInstanceOf(SqliteFormatException.class).hasMessageContaining("deeper than 64");

        // root 2 -> [3 (interior -> leaf 5), 4 (leaf)]
        Map<Long, byte[]> unbalanced = new HashMap<>();
        byte[] rootPage = interior(4);
        put16(rootPage, 3, 1);
        put16(rootPage, 12, 4000);
        put16(rootPage, 5, 4000);
        put32(rootPage, 4000, 3);
        rootPage[4004] = 10; // key varint
        unbalanced.put(2L, rootPage);
        unbalanced.put(3L, interior(5));
        unbalanced.put(4L, emptyLeaf());
        unbalanced.put(5L, emptyLeaf());
        assertThatThrownBy(() -> new TableTreeWalker(TestDatabases.of(unbalanced), U).leafPages(2))
                .isInstanceOf(SqliteFormatException.class).hasMessageContaining("unbalanced");

        // two interior cells naming the same child
        Map<Long, byte[]> shared = new HashMap<>(unbalanced);
        byte[] sharedRoot = rootPage.clone();
        put32(sharedRoot, 8, 3);
        shared.put(2L, sharedRoot);
        assertThatThrownBy(() -> new TableTreeWalker(TestDatabases.of(shared), U).leafPages(2))
                .isInstanceOf(SqliteFormatException.class).hasMessageContaining("twice");

        Map<Long, byte[]> missingChild = new HashMap<>();
        missingChild.put(2L, interior(99));
        assertThatThrownBy(() -> new TableTreeWalker(TestDatabases.of(missingChild), U).leafPages(2))
                .isInstanceOf(SqliteFormatException.class).hasMessageContaining("missing");

        Map<Long, byte[]> zeroChild = new HashMap<>();
        zeroChild.put(2L, interior(0));
        assertThatThrownBy(() -> new TableTreeWalker(TestDatabases.of(zeroChild), U).leafPages(2))
                .isInstanceOf(SqliteFormatException.class);
        assertThatThrownBy(() -> new TableTreeWalker(TestDatabases.of(zeroChild), U).leafPages(0))
                .isInstanceOf(SqliteFormatException.class);
    }

    @Test
    void randomCorruptionOnlyEverRaisesSqliteFormatException() {
        Map<Long, byte[]> original = pages();
        List<Long> treePages = new ArrayList<>(original.keySet());
        Random random = new Random(20240601);
        int failures = 0;
        for (int i = 0; i < 3000; i++) {
            Map<Long, byte[]> changed = new LinkedHashMap<>();
            int corruptPages = 1 + random.nextInt(2);
            for (int j = 0; j < corruptPages; j++) {
                long pageNumber = treePages.get(random.nextInt(treePages.size()));
                byte[] image = changed.computeIfAbsent(pageNumber, p -> original.get(p).clone());
                int bytes = 1 + random.nextInt(4);
                for (int k = 0; k < bytes; k++) {
                    // mostly headers and cell pointers, sometimes anywhere
                    int offset = random.nextBoolean() ? random.nextInt(64) : random.nextInt(U);
                    image[offset] = (byte) random.nextInt(256);
                }
            }
            PageSource source = PageSource.overlay(changed, TestDatabases.of(original));
            try {
                decodeTable(source);
            } catch (SqliteFormatException expected) {
                failures++;
            }
            try {
                SchemaReader.read(source);
            } catch (SqliteFormatException expected) {
                failures++;
            }
        }
        assertThat(failures).isPositive();
    }
}
