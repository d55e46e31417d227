package dev.tursosync.internal.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class TableTreeWalkerTests {

    private static final int ROWS = 20_000;

    @TempDir
    static Path dir;

    private static Path db;

    @BeforeAll
    static void createDatabase() {
        List<List<Object>> rows = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            rows.add(List.of("name-" + i + "-" + "n".repeat(100 + i % 80), i * 31L - 7, i + 0.25));
        }
        db = TestDatabases.create(dir.resolve("rows.db"), connection -> {
            connection.createStatement().execute("CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, n INTEGER, r)");
            connection.createStatement().execute("CREATE INDEX t_name ON t(name)");
            TestDatabases.insert(connection, "INSERT INTO t(name, n, r) VALUES (?, ?, ?)", rows);
            connection.createStatement().execute("CREATE TABLE one(x)");
            connection.createStatement().execute("INSERT INTO one VALUES (1)");
        });
    }

    @Test
    void leafPagesAreExactlyThePagesHoldingTheRows() throws Exception {
        try (FileChannel file = FileChannel.open(db, StandardOpenOption.READ)) {
            PageSource source = PageSource.ofFile(file);
            DatabaseHeader header = DatabaseHeader.read(source);
            long root = TestDatabases.rootPage(db, "t");
            TableTreeWalker.TreePages tree = TableTreeWalker.forDatabase(source).walk(root);

            assertThat(tree.depth()).isEqualTo(2);
            assertThat(tree.leafPages()).containsExactlyElementsOf(TestDatabases.dbstatPages(db, "t", "leaf"));
            assertThat(tree.interiorPages())
                    .containsExactlyInAnyOrderElementsOf(TestDatabases.dbstatPages(db, "t", "internal"));
            assertThat(tree.allPages()).hasSize(tree.interiorPages().size() + tree.leafPages().size());

            long cells = 0;
            List<List<Object>> decoded = new ArrayList<>();
            for (long leaf : tree.leafPages()) {
                BTreePage page = BTreePage.read(source, leaf, header.usableSize());
                assertThat(page.type()).isEqualTo(PageType.LEAF_TABLE);
                cells += page.cellCount();
                LeafRows rows = LeafRows.read(source, leaf, header);
                for (int i = 0; i < rows.size(); i++) {
                    Object[] values = rows.values(i).toArray();
                    Record.putRowid(values, 0, rows.rowid(i));
                    decoded.add(TestDatabases.normalise(Arrays.asList(values)));
                }
            }
            assertThat(cells).isEqualTo(TestDatabases.queryLong(db, "SELECT count(*) FROM t")).isEqualTo(ROWS);
            assertThat(decoded).isEqualTo(TestDatabases.query(db, "SELECT id, name, n, r FROM t ORDER BY id"));
        }
    }

    @Test
    void readsOnlyInteriorPagesAndTheLeftMostLeaf() {
        TestDatabases.CountingSource source = new TestDatabases.CountingSource(TestDatabases.inMemory(db));
        int usable = 4096;
        long root = TestDatabases.rootPage(db, "t");
        TableTreeWalker.TreePages tree = new TableTreeWalker(source, usable).walk(root);

        Set<Long> read = new LinkedHashSet<>(source.pagesRead());
        Set<Long> leavesRead = new HashSet<>(read);
        leavesRead.retainAll(tree.leafPages());
        assertThat(leavesRead).containsExactly(tree.leafPages().iterator().next());
        assertThat(source.reads()).isEqualTo(tree.interiorPages().size() + 1);
        assertThat(tree.leafPages().size()).isGreaterThan(500);
        assertThat(source.reads()).isLessThan(tree.leafPages().size() / 50);
    }

    @Test
    void walksIndexTreesToo() {
        PageSource source = TestDatabases.inMemory(db);
        TableTreeWalker walker = TableTreeWalker.forDatabase(source);
        long root = TestDatabases.rootPage(db, "t_name");
        assertThat(walker.leafPages(root)).containsExactlyElementsOf(TestDatabases.dbstatPages(db, "t_name", "leaf"));
        assertThat(walker.allPages(root)).containsExactlyInAnyOrderElementsOf(
                TestDatabases.dbstat(db, "t_name").stream()
                        .filter(s -> !s.pageType().equals("overflow"))
                        .map(TestDatabases.PageStat::pageNumber)
                        .toList());
        assertThat(BTreePage.read(source, root, 4096).type()).isEqualTo(PageType.INTERIOR_INDEX);
    }

    @Test
    void aRootThatIsALeafIsTheOnlyLeaf() {
        TestDatabases.CountingSource source = new TestDatabases.CountingSource(TestDatabases.inMemory(db));
        long root = TestDatabases.rootPage(db, "one");
        TableTreeWalker.TreePages tree = new TableTreeWalker(source, 4096).walk(root);
        assertThat(tree.depth()).isZero();
        assertThat(tree.interiorPages()).isEmpty();
        assertThat(tree.leafPages()).containsExactly(root);
        assertThat(source.reads()).isEqualTo(1);
    }

    @Test
    void interiorTableKeysBoundTheirLeftSubtrees() {
        PageSource source = TestDatabases.inMemory(db);
        long root = TestDatabases.rootPage(db, "t");
        BTreePage page = BTreePage.read(source, root, 4096);
        assertThat(page.type()).isEqualTo(PageType.INTERIOR_TABLE);
        long[] children = page.childPageNumbers();
        assertThat(children).hasSize(page.cellCount() + 1);
        assertThat(children[page.cellCount()]).isEqualTo(page.rightMostPointer());
        for (int i = 0; i < page.cellCount(); i++) {
            assertThat(children[i]).isEqualTo(page.leftChild(i));
            long key = page.interiorTableKey(i);
            long maxInLeft = TableReading.rows(source, children[i]).lastKey();
            assertThat(maxInLeft).isLessThanOrEqualTo(key);
        }
    }
}
