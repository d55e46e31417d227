package dev.tursosync.internal.pull;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.tursosync.internal.transport.PulledPage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the per-page checks learn while a snapshot streams, and when they give up and leave it all to the file. */
final class StreamedPageChecksTests {

    private static final int PAGE_SIZE = PulledPage.PAGE_SIZE;

    @TempDir
    Path folder;

    @Test
    void recordsTheBTreePagesThatPassTheirInteriorPagesAndTheOtherPages() throws Exception {
        byte[] database = database();
        long pages = database.length / PAGE_SIZE;
        StreamedPageChecks checks = new StreamedPageChecks(pages);
        for (long page = 1; page <= pages; page++) {
            checks.accept(page(database, page), true);
        }

        assertThat(checks.appliesTo(pages, PAGE_SIZE)).isTrue();
        assertThat(checks.appliesTo(pages + 1, PAGE_SIZE)).as("another announced size").isFalse();
        assertThat(checks.appliesTo(pages, PAGE_SIZE - 8)).as("another page 1").isFalse();
        assertThat(checks.passedAsBTree(1)).isTrue();
        long interior = 0;
        long overflowStarts = 0;
        long notBTree = 0;
        for (long page = 1; page <= pages; page++) {
            assertThat(checks.passedAsBTree(page) ^ checks.isNotBTree(page)).as("page %d is known", page).isTrue();
            interior += checks.isInterior(page) ? 1 : 0;
            overflowStarts += checks.overflowHeads(page).size();
            notBTree += checks.isNotBTree(page) ? 1 : 0;
        }
        assertThat(interior).as("the table's root is an interior page").isPositive();
        assertThat(overflowStarts).as("the 5,000-byte rows continue on overflow pages").isEqualTo(20);
        assertThat(notBTree).as("their overflow pages").isPositive();
    }

    @Test
    void aMalformedPageIsLeftToTheCheckOfTheFile() throws Exception {
        byte[] database = database();
        long pages = database.length / PAGE_SIZE;
        byte[] broken = database.clone();
        broken[PAGE_SIZE + 3] = (byte) 0xff;
        broken[PAGE_SIZE + 4] = (byte) 0xff;
        StreamedPageChecks checks = new StreamedPageChecks(pages);
        for (long page = 1; page <= pages; page++) {
            checks.accept(page(broken, page), true);
        }

        assertThat(checks.appliesTo(pages, PAGE_SIZE)).isTrue();
        assertThat(checks.passedAsBTree(2)).isFalse();
        assertThat(checks.isNotBTree(2)).isFalse();
        assertThat(checks.passedAsBTree(1)).isTrue();
    }

    @Test
    void pagesBeforePageOneAreLeftToTheCheckOfTheFile() throws Exception {
        byte[] database = database();
        long pages = database.length / PAGE_SIZE;
        StreamedPageChecks checks = new StreamedPageChecks(pages);
        for (long page = pages; page >= 1; page--) {
            checks.accept(page(database, page), true);
        }

        assertThat(checks.appliesTo(pages, PAGE_SIZE)).isTrue();
        assertThat(checks.passedAsBTree(1)).isTrue();
        for (long page = 2; page <= pages; page++) {
            assertThat(checks.passedAsBTree(page) || checks.isNotBTree(page)).isFalse();
        }
    }

    @Test
    void aPageSentTwiceOrABrokenHeaderEndsTheStreamedChecks() throws Exception {
        byte[] database = database();
        long pages = database.length / PAGE_SIZE;
        StreamedPageChecks twice = new StreamedPageChecks(pages);
        twice.accept(page(database, 1), true);
        twice.accept(page(database, 2), true);
        twice.accept(page(database, 2), false);
        twice.accept(page(database, 3), true);
        assertThat(twice.appliesTo(pages, PAGE_SIZE)).isFalse();

        byte[] badHeader = database.clone();
        badHeader[16] = 0x7f;
        StreamedPageChecks header = new StreamedPageChecks(pages);
        header.accept(page(badHeader, 1), true);
        header.accept(page(badHeader, 2), true);
        assertThat(header.appliesTo(pages, PAGE_SIZE)).isFalse();
        assertThat(header.passedAsBTree(2)).isFalse();

        StreamedPageChecks shortPage = new StreamedPageChecks(pages);
        shortPage.accept(page(database, 1), true);
        shortPage.accept(new PulledPage(1, ByteString.copyFrom(new byte[100])), true);
        assertThat(shortPage.appliesTo(pages, PAGE_SIZE)).isFalse();
    }

    @Test
    void hostileSizesCheckNothingWhileStreaming() throws Exception {
        byte[] database = database();
        for (long size : new long[] {0, -1, PullValidator.MAX_DATABASE_PAGES + 1, Long.MAX_VALUE}) {
            StreamedPageChecks checks = new StreamedPageChecks(size);
            checks.accept(page(database, 1), true);
            checks.accept(page(database, 2), true);
            assertThat(checks.appliesTo(size, PAGE_SIZE)).isFalse();
            assertThat(checks.passedAsBTree(1)).isFalse();
        }
    }

    /** A table of 300 rows, 20 of them 5,000 bytes long (with overflow pages), under an interior root. */
    private byte[] database() throws Exception {
        Path file = folder.resolve("streamed.db");
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, x BLOB)");
            for (int row = 1; row <= 300; row++) {
                statement.execute("INSERT INTO t(x) VALUES (randomblob(" + (row % 15 == 0 ? 5000 : 200) + "))");
            }
        }
        return Files.readAllBytes(file);
    }

    private static PulledPage page(byte[] database, long pageNumber) {
        int from = (int) (pageNumber - 1) * PAGE_SIZE;
        return new PulledPage(pageNumber - 1, ByteString.copyFrom(Arrays.copyOfRange(database, from,
                from + PAGE_SIZE)));
    }
}
