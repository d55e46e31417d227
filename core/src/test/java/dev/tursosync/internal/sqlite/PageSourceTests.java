package dev.tursosync.internal.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class PageSourceTests {

    @TempDir
    Path dir;

    @Test
    void readsPagesOfAFileAtTheirOffsets() throws Exception {
        Path db = TestDatabases.create(dir.resolve("f.db"), "CREATE TABLE a(x)",
                "INSERT INTO a VALUES (randomblob(10000))");
        byte[] bytes = TestDatabases.readAllBytes(db);
        int pages = bytes.length / 4096;
        assertThat(pages).isGreaterThan(2);
        try (FileChannel file = FileChannel.open(db, StandardOpenOption.READ)) {
            PageSource source = PageSource.ofFile(file);
            for (int n = 1; n <= pages; n++) {
                assertThat(source.page(n)).isEqualTo(Arrays.copyOfRange(bytes, (n - 1) * 4096, n * 4096));
            }
            assertThat(source.page(pages + 1)).isNull();
            assertThat(source.page(0)).isNull();
            assertThat(source.page(-3)).isNull();
            assertThat(source.page(Long.MAX_VALUE)).isNull();
        }
    }

    @Test
    void usesTheHeaderPageSizeAndDefaultsTo4096() throws Exception {
        Path big = TestDatabases.create(dir.resolve("big.db"), "PRAGMA page_size=65536", "CREATE TABLE a(x)");
        try (FileChannel file = FileChannel.open(big, StandardOpenOption.READ)) {
            assertThat(PageSource.ofFile(file).page(2)).hasSize(65536);
        }
        Path junk = Files.write(dir.resolve("junk.bin"), new byte[10_000]);
        try (FileChannel file = FileChannel.open(junk, StandardOpenOption.READ)) {
            PageSource source = PageSource.ofFile(file);
            assertThat(source.page(2)).hasSize(4096);
            assertThat(source.page(3)).as("partial page at the end").isNull();
        }
        Path empty = Files.createFile(dir.resolve("empty.db"));
        try (FileChannel file = FileChannel.open(empty, StandardOpenOption.READ)) {
            assertThat(PageSource.ofFile(file).page(1)).isNull();
            assertThat(PageSource.ofFile(file, 512).page(1)).isNull();
        }
    }

    /** Chunks of several pages serve any order of requests, across chunk ends and the file's partial last page. */
    @Test
    void anUnchangingFileReadInChunksGivesThePagesOfPositionalReads() throws Exception {
        int pages = ChunkedFilePageSource.CHUNK_PAGES * 2 + 5;
        byte[] bytes = new byte[pages * 4096 + 100];
        new java.util.Random(7).nextBytes(bytes);
        Path file = Files.write(dir.resolve("pages.bin"), bytes);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            PageSource chunked = PageSource.ofUnchangingFile(channel, 4096);
            PageSource positional = PageSource.ofFile(channel, 4096);
            long[] order = {1, 2, pages, 3, ChunkedFilePageSource.CHUNK_PAGES, ChunkedFilePageSource.CHUNK_PAGES + 1,
                2, pages - 1, pages + 1, 1, pages + 2, ChunkedFilePageSource.CHUNK_PAGES * 2 + 1};
            for (long n : order) {
                assertThat(chunked.page(n)).as("page " + n).isEqualTo(positional.page(n));
            }
            assertThat(chunked.page(pages)).isEqualTo(Arrays.copyOfRange(bytes, (pages - 1) * 4096, pages * 4096));
            assertThat(chunked.page(pages + 1)).as("the partial page at the end").isNull();
            assertThat(chunked.page(0)).isNull();
            assertThat(chunked.page(Long.MAX_VALUE)).isNull();
            byte[] first = chunked.page(1);
            first[0] ^= 1;
            assertThat(chunked.page(1)).as("callers get copies").isEqualTo(Arrays.copyOf(bytes, 4096));
        }
    }

    @Test
    void overlayPrefersChangedPages() {
        byte[] base1 = {1};
        byte[] base2 = {2};
        byte[] changed2 = {22};
        byte[] added3 = {33};
        PageSource base = n -> n == 1 ? base1 : n == 2 ? base2 : null;
        Map<Long, byte[]> changed = new HashMap<>();
        changed.put(2L, changed2);
        changed.put(3L, added3);
        PageSource overlay = PageSource.overlay(changed, base);
        assertThat(overlay.page(1)).isSameAs(base1);
        assertThat(overlay.page(2)).isSameAs(changed2);
        assertThat(overlay.page(3)).isSameAs(added3);
        assertThat(overlay.page(4)).isNull();
        changed.put(1L, null);
        assertThat(overlay.page(1)).as("a null entry hides the base page").isNull();
    }
}
