package dev.tursosync.internal.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class SchemaReaderTests {

    @TempDir
    Path dir;

    private static List<SchemaEntry> expected(Path db) {
        List<SchemaEntry> entries = new ArrayList<>();
        for (List<Object> row : TestDatabases.query(db,
                "SELECT type, name, tbl_name, rootpage, sql FROM sqlite_schema ORDER BY rowid")) {
            entries.add(new SchemaEntry((String) row.get(0), (String) row.get(1), (String) row.get(2),
                    row.get(3) == null ? 0 : (Long) row.get(3), (String) row.get(4)));
        }
        return entries;
    }

    @Test
    void readsALargeSchemaSpanningManyPagesWithOverflowingStatements() throws Exception {
        StringBuilder wide = new StringBuilder("CREATE TABLE wide(id INTEGER PRIMARY KEY");
        for (int i = 0; i < 400; i++) {
            wide.append(", column_with_a_rather_long_name_").append(i).append(" TEXT DEFAULT 'ü'");
        }
        wide.append(")");
        String longView = "CREATE VIEW long_view AS SELECT '" + "view text ".repeat(900) + "' AS v";
        Path db = TestDatabases.create(dir.resolve("schema.db"), connection -> {
            try (Statement s = connection.createStatement()) {
                s.execute(wide.toString());
                for (int i = 0; i < 150; i++) {
                    s.execute("CREATE TABLE table_" + i + "(id INTEGER PRIMARY KEY, a TEXT UNIQUE, b BLOB, c REAL)");
                    s.execute("CREATE INDEX table_" + i + "_b ON table_" + i + "(b, c)");
                }
                s.execute(longView);
                s.execute("CREATE TABLE kv(k TEXT PRIMARY KEY, v) WITHOUT ROWID");
                s.execute("CREATE TRIGGER trg AFTER INSERT ON kv BEGIN SELECT 1; END");
                s.execute("DROP TABLE table_7");
                s.execute("CREATE TABLE \"naïve ✓\"(x)");
            }
        });
        assertThat(wide.length()).isGreaterThan(4096 * 4);

        try (FileChannel file = FileChannel.open(db, StandardOpenOption.READ)) {
            PageSource source = PageSource.ofFile(file);
            List<SchemaEntry> entries = SchemaReader.read(source);

            assertThat(entries).isEqualTo(expected(db));
            assertThat(entries).hasSizeGreaterThan(450);
            assertThat(entries).anySatisfy(e -> assertThat(e.name()).isEqualTo("wide"));
            assertThat(entries).anySatisfy(e -> {
                assertThat(e.name()).startsWith("sqlite_autoindex_table_1");
                assertThat(e.sql()).isNull();
                assertThat(e.isIndex()).isTrue();
            });
            assertThat(entries).anySatisfy(e -> {
                assertThat(e.type()).isEqualTo("view");
                assertThat(e.rootPage()).isZero();
            });
            TableTreeWalker.TreePages schemaTree = TableTreeWalker.forDatabase(source).walk(1);
            assertThat(schemaTree.depth()).isGreaterThanOrEqualTo(1);
            assertThat(schemaTree.leafPages()).hasSizeGreaterThan(10);
            assertThat(schemaTree.leafPages())
                    .containsExactlyElementsOf(TestDatabases.dbstatPages(db, "sqlite_schema", "leaf"));
            assertThat(TestDatabases.dbstatPages(db, "sqlite_schema", "overflow")).isNotEmpty();
        }
    }

    @Test
    void readsASmallSchemaOnPageOne() {
        Path db = TestDatabases.create(dir.resolve("small.db"), "CREATE TABLE a(x)", "CREATE INDEX a_x ON a(x)");
        PageSource source = TestDatabases.inMemory(db);
        assertThat(SchemaReader.read(source)).isEqualTo(expected(db))
                .extracting(SchemaEntry::name).containsExactly("a", "a_x");
        assertThat(SchemaReader.read(source).get(0).isTable()).isTrue();
    }

    @Test
    void anEmptyDatabaseHasNoEntries() throws Exception {
        Path empty = Files.createFile(dir.resolve("empty.db"));
        try (FileChannel file = FileChannel.open(empty, StandardOpenOption.READ)) {
            assertThat(SchemaReader.read(PageSource.ofFile(file))).isEmpty();
        }
        Path vacuumed = TestDatabases.create(dir.resolve("vacuumed.db"), "CREATE TABLE a(x)", "DROP TABLE a",
                "VACUUM");
        assertThat(SchemaReader.read(TestDatabases.inMemory(vacuumed))).isEmpty();
    }
}
