package dev.tursosync.internal.pull;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tursosync.internal.sqlite.BTreePage;
import dev.tursosync.internal.sqlite.PageSource;
import dev.tursosync.internal.sqlite.PageType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which cells of a page's new image its old image kept byte for byte. */
class KeptCellsTests {

    private static final int PAGE = 4096;

    @TempDir
    Path dir;

    @Test
    void aTableLeafKeepsTheRowsWhoseCellsAreUnchanged() throws Exception {
        Path db = dir.resolve("table.db");
        sql(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)",
                "INSERT INTO t VALUES (1, 'one'), (2, 'two'), (3, 'three'), (4, 'four')");
        BTreePage was = page(Files.readAllBytes(db), 2);
        sql(db, "UPDATE t SET v = 'TWO' WHERE id = 2", "DELETE FROM t WHERE id = 3",
                "INSERT INTO t VALUES (5, 'five'), (6, 'one')");
        BTreePage now = page(Files.readAllBytes(db), 2);

        assertThat(kept(KeptCells.ofTableLeaf(was), now)).containsExactly(true, false, true, false, false);
        assertThat(kept(KeptCells.ofTableLeaf(now), was)).containsExactly(true, false, false, true);
        assertThat(kept(KeptCells.ofTableLeaf(null), now)).containsOnly(false);
    }

    @Test
    void anIndexPageKeepsTheEntriesWhoseBytesAreUnchanged() throws Exception {
        Path db = dir.resolve("index.db");
        sql(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)", "CREATE INDEX i ON t (v)",
                "INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c')");
        BTreePage was = page(Files.readAllBytes(db), 3);
        sql(db, "UPDATE t SET v = 'bb' WHERE id = 2", "INSERT INTO t VALUES (4, 'a')");
        BTreePage now = page(Files.readAllBytes(db), 3);

        assertThat(now.type()).isEqualTo(PageType.LEAF_INDEX);
        assertThat(kept(KeptCells.ofIndexPage(was), now)).containsExactly(true, false, false, true);
        assertThat(kept(KeptCells.ofTableLeaf(was), now)).containsOnly(false);
        assertThat(kept(KeptCells.ofIndexPage(page(Files.readAllBytes(db), 2)), now)).containsOnly(false);
    }

    private static List<Boolean> kept(KeptCells cells, BTreePage page) {
        List<Boolean> kept = new ArrayList<>();
        for (int cell = 0; cell < page.cellCount(); cell++) {
            kept.add(cells.contains(page, cell));
        }
        return kept;
    }

    private static BTreePage page(byte[] file, long page) {
        PageSource source = p -> Arrays.copyOfRange(file, (int) (p - 1) * PAGE, (int) p * PAGE);
        return BTreePage.read(source, page, PAGE);
    }

    private static void sql(Path db, String... statements) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=DELETE");
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }
}
