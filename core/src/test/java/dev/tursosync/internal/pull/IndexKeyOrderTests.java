package dev.tursosync.internal.pull;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tursosync.SyncProtocolException;
import dev.tursosync.internal.sqlite.BTreePage;
import dev.tursosync.internal.sqlite.PageNumberSet;
import dev.tursosync.internal.sqlite.PageSource;
import dev.tursosync.internal.sqlite.PageType;
import dev.tursosync.internal.sqlite.SchemaEntry;
import dev.tursosync.internal.sqlite.SchemaReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Index b-tree key order in {@link PullValidator}: real database files built with sqlite-jdbc, then index cells or
 * pages swapped the way a faulty server could, checked as a bootstrap (every page received) and as a pull of the
 * changed pages only.
 */
class IndexKeyOrderTests {

    private static final int PAGE = 4096;
    private static final String TABLE = "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT COLLATE NOCASE, "
            + "score INTEGER, tag TEXT)";

    @TempDir
    Path dir;

    @Test
    void validDatabasesWithCollationsAndDescendingColumnsPass() throws Exception {
        for (String index : List.of("CREATE INDEX i ON t(name, score DESC)",
                "CREATE INDEX i ON t(score DESC, tag COLLATE NOCASE)",
                "CREATE INDEX i ON t(tag COLLATE RTRIM, name DESC)",
                "CREATE UNIQUE INDEX i ON t(tag COLLATE BINARY, id)")) {
            byte[] file = database(index);
            assertThat(indexPages(file, "i", null)).hasSizeGreaterThan(2);
            assertThatCode(() -> bootstrap(file)).as(index).doesNotThrowAnyException();
        }
    }

    @Test
    void swappedCellsOfAnIndexLeafFailAsBootstrapAndAsPull() throws Exception {
        byte[] file = database("CREATE INDEX i ON t(name, score DESC)");
        long leaf = indexPages(file, "i", PageType.LEAF_INDEX).get(1);
        byte[] bad = swapCellPointers(file, leaf, 3, 4);

        assertThatThrownBy(() -> bootstrap(bad)).isInstanceOf(SyncProtocolException.class)
                .hasMessageContaining("page " + leaf).hasMessageContaining("index \"i\"");
        assertThatThrownBy(() -> pull(file, bad, leaf)).isInstanceOf(SyncProtocolException.class)
                .hasMessageContaining("page " + leaf);
    }

    @Test
    void swappedCellsOfAnIndexInteriorPageFail() throws Exception {
        byte[] file = database("CREATE INDEX i ON t(score DESC, tag COLLATE NOCASE)");
        long interior = indexPages(file, "i", PageType.INTERIOR_INDEX).get(0);
        byte[] bad = swapCellPointers(file, interior, 0, 1);

        assertThatThrownBy(() -> pull(file, bad, interior)).isInstanceOf(SyncProtocolException.class)
                .hasMessageContaining("index \"i\"");
    }

    @Test
    void swappedIndexLeafPagesFail() throws Exception {
        byte[] file = database("CREATE INDEX i ON t(tag COLLATE RTRIM, name DESC)");
        List<Long> leaves = indexPages(file, "i", PageType.LEAF_INDEX);
        long a = leaves.get(0);
        long b = leaves.get(leaves.size() - 1);
        byte[] bad = file.clone();
        System.arraycopy(file, (int) (a - 1) * PAGE, bad, (int) (b - 1) * PAGE, PAGE);
        System.arraycopy(file, (int) (b - 1) * PAGE, bad, (int) (a - 1) * PAGE, PAGE);

        assertThatThrownBy(() -> pull(file, bad, a, b)).isInstanceOf(SyncProtocolException.class)
                .hasMessageContaining("index");
        assertThatThrownBy(() -> bootstrap(bad)).isInstanceOf(SyncProtocolException.class);
    }

    @Test
    void anOrderThatOnlyTheCollationExplainsIsNoFalseAlarm() throws Exception {
        // BINARY puts 'B' before 'a'; the table column's NOCASE puts 'a' first: the validator must take it from
        // the table when the index names no collation
        byte[] file = database("CREATE INDEX i ON t(name)");
        assertThatCode(() -> bootstrap(file)).doesNotThrowAnyException();
    }

    @Test
    void anExpressionIndexIsNotJudged() throws Exception {
        byte[] file = database("CREATE INDEX i ON t(lower(tag), score)");
        long leaf = indexPages(file, "i", PageType.LEAF_INDEX).get(1);
        byte[] bad = swapCellPointers(file, leaf, 3, 4);
        assertThatCode(() -> pull(file, bad, leaf)).doesNotThrowAnyException();
    }

    private byte[] database(String index) throws Exception {
        Path path = Files.createTempFile(dir, "db", ".db");
        Files.delete(path);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + path)) {
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA journal_mode=DELETE");
                s.execute(TABLE);
                s.execute(index);
            }
            c.setAutoCommit(false);
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO t(name, score, tag) VALUES (?, ?, ?)")) {
                for (int i = 0; i < 3000; i++) {
                    insert.setString(1, (i % 2 == 0 ? "B" : "a") + "name-" + (i * 7919 % 3001));
                    insert.setInt(2, i % 37);
                    insert.setString(3, "Tag " + (i * 104729 % 2999) + (i % 3 == 0 ? "  " : ""));
                    insert.executeUpdate();
                }
            }
            c.commit();
        }
        return Files.readAllBytes(path);
    }

    private static PageSource source(byte[] file) {
        return page -> page < 1 || page * PAGE > file.length ? null
                : Arrays.copyOfRange(file, (int) (page - 1) * PAGE, (int) page * PAGE);
    }

    private static void bootstrap(byte[] file) {
        long pages = file.length / PAGE;
        PageNumberSet all = new PageNumberSet();
        for (long p = 1; p <= pages; p++) {
            all.add(p);
        }
        PullValidator.check(all, source(file), page -> null, 0, pages);
    }

    private static void pull(byte[] synced, byte[] next, long... changed) {
        PullValidator.check(PageNumberSet.of(changed), source(next), source(synced), synced.length / PAGE,
                next.length / PAGE);
    }

    /** The index's pages of one type (all when {@code type} is null), by a walk from its root. */
    private static List<Long> indexPages(byte[] file, String name, PageType type) {
        PageSource source = source(file);
        long root = SchemaReader.read(source).stream().filter(e -> e.name().equals(name))
                .mapToLong(SchemaEntry::rootPage).findFirst().orElseThrow();
        List<Long> pages = new ArrayList<>();
        List<Long> todo = new ArrayList<>(List.of(root));
        while (!todo.isEmpty()) {
            long page = todo.remove(0);
            BTreePage parsed = BTreePage.read(source, page, PAGE);
            if (type == null || parsed.type() == type) {
                pages.add(page);
            }
            if (!parsed.type().isLeaf()) {
                for (long child : parsed.childPageNumbers()) {
                    todo.add(child);
                }
            }
        }
        return pages;
    }

    private static byte[] swapCellPointers(byte[] file, long page, int x, int y) {
        byte[] copy = file.clone();
        int start = (int) (page - 1) * PAGE;
        int array = start + ((copy[start] & 0xff) == PageType.LEAF_INDEX.flag() ? 8 : 12);
        for (int i = 0; i < 2; i++) {
            copy[array + 2 * x + i] = file[array + 2 * y + i];
            copy[array + 2 * y + i] = file[array + 2 * x + i];
        }
        return copy;
    }
}
