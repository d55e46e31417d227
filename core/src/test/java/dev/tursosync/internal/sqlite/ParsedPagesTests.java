package dev.tursosync.internal.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cache of parsed b-tree pages the pull's checks share. */
class ParsedPagesTests {

    @TempDir
    Path dir;

    @Test
    void readsAndParsesEachPageOnceWhileCached() {
        Path file = TestDatabases.create(dir.resolve("cached.db"), "CREATE TABLE t (a)", "CREATE TABLE u (b)",
                "CREATE INDEX i ON t (a)");
        TestDatabases.CountingSource source = new TestDatabases.CountingSource(TestDatabases.inMemory(file));
        ParsedPages pages = new ParsedPages(source, 4096, 16);

        BTreePage first = pages.read(2);
        assertThat(pages.read(2)).isSameAs(first);
        assertThat(pages.orNull(3)).isSameAs(pages.read(3));
        assertThat(first.pageNumber()).isEqualTo(2);
        assertThat(source.pagesRead()).containsExactly(2L, 3L);
    }

    @Test
    void holdsAtMostItsCapacityAndReadsAgainWhatItDropped() {
        Path file = TestDatabases.create(dir.resolve("capacity.db"), "CREATE TABLE t (a)", "CREATE TABLE u (b)",
                "CREATE TABLE v (c)", "CREATE TABLE w (d)");
        TestDatabases.CountingSource source = new TestDatabases.CountingSource(TestDatabases.inMemory(file));
        ParsedPages pages = new ParsedPages(source, 4096, 2);

        pages.read(2);
        pages.read(3);
        pages.read(4);
        pages.read(2);
        pages.read(4);

        assertThat(source.pagesRead()).containsExactly(2L, 3L, 4L, 2L);
    }

    @Test
    void aMissingPageIsNullOrAnErrorAndAMalformedOneFailsOnEveryRead() {
        Path file = TestDatabases.create(dir.resolve("malformed.db"), "CREATE TABLE t (a)");
        Map<Long, byte[]> images = TestDatabases.pages(file);
        images.get(2L)[0] = 7;
        TestDatabases.CountingSource source = new TestDatabases.CountingSource(TestDatabases.of(images));
        ParsedPages pages = new ParsedPages(source, 4096, 16);

        assertThat(pages.orNull(99)).isNull();
        assertThatThrownBy(() -> pages.read(99)).isInstanceOf(SqliteFormatException.class)
                .hasMessageContaining("page 99 is missing");
        assertThatThrownBy(() -> pages.read(2)).isInstanceOf(SqliteFormatException.class)
                .hasMessageContaining("bad b-tree page type 7");
        assertThatThrownBy(() -> pages.orNull(2)).isInstanceOf(SqliteFormatException.class);
        assertThat(source.pagesRead()).containsExactly(99L, 99L, 2L, 2L);
    }
}
