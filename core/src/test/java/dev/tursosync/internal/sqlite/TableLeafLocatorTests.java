package dev.tursosync.internal.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class TableLeafLocatorTests {

    private static final int U = 4096;

    @TempDir
    static Path dir;

    private static Path db;
    private static PageSource source;
    private static long root;
    private static long[] leaves;

    @BeforeAll
    static void createDatabase() {
        db = TestDatabases.create(dir.resolve("rows.db"),
                "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)",
                "CREATE INDEX t_v ON t(v)",
                "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 29999) "
                        + "INSERT INTO t(id, v) "
                        + "SELECT i * 3 + 10, 'row-' || i || substr(hex(zeroblob(100)), 1, 60 + i % 90) FROM n",
                "CREATE TABLE one(x)",
                "INSERT INTO one VALUES (1)");
        source = TestDatabases.inMemory(db);
        root = TestDatabases.rootPage(db, "t");
        leaves = new TableTreeWalker(source, U).leafPageNumbers(root);
    }

    @Test
    void findsTheLeafOfEveryRow() {
        TableLeafLocator locator = new TableLeafLocator(source, U);
        assertThat(leaves.length).isGreaterThan(500);
        for (long leaf : leaves) {
            LeafRows rows = LeafRows.read(source, leaf, DatabaseHeader.read(source));
            for (int i = 0; i < rows.size(); i++) {
                assertThat(locator.leafCovering(root, rows.rowid(i))).as("rowid %d", rows.rowid(i)).isEqualTo(leaf);
            }
        }
    }

    @Test
    void sendsMissingRowidsToTheLeafWhereTheyWouldGo() {
        TableLeafLocator locator = new TableLeafLocator(source, U);
        assertThat(locator.leafCovering(root, Long.MIN_VALUE)).isEqualTo(leaves[0]);
        assertThat(locator.leafCovering(root, 0)).isEqualTo(leaves[0]);
        assertThat(locator.leafCovering(root, Long.MAX_VALUE)).isEqualTo(leaves[leaves.length - 1]);
    }

    @Test
    void readsOnlyInteriorPagesAndTheLeftMostLeaf() {
        TestDatabases.CountingSource counting = new TestDatabases.CountingSource(source);
        TableLeafLocator locator = new TableLeafLocator(counting, U);
        for (long rowid = 10; rowid < 90_000; rowid += 997) {
            locator.leafCovering(root, rowid);
        }
        Set<Long> interior = new HashSet<>(TestDatabases.dbstatPages(db, "t", "internal"));
        Set<Long> read = new HashSet<>(counting.pagesRead());
        read.remove(leaves[0]);
        assertThat(interior).containsAll(read);
        assertThat(counting.reads()).as("each page read once").isEqualTo(read.size() + 1);
    }

    @Test
    void aSingleLeafTreeIsItsOwnLeaf() {
        long one = TestDatabases.rootPage(db, "one");
        assertThat(new TableLeafLocator(source, U).leafCovering(one, 1)).isEqualTo(one);
        assertThat(new TableLeafLocator(source, U).leafCovering(one, 12345)).isEqualTo(one);
    }

    @Test
    void refusesIndexTrees() {
        long index = TestDatabases.rootPage(db, "t_v");
        assertThatThrownBy(() -> new TableLeafLocator(source, U).leafCovering(index, 1))
                .isInstanceOf(SqliteFormatException.class);
        assertThatThrownBy(() -> new TableLeafLocator(source, U).leafCovering(0, 1))
                .isInstanceOf(SqliteFormatException.class);
    }
}
