package dev.tursosync.internal.pull;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.tursosync.internal.transport.PulledPage;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Streamed pages written in runs: one write per run of consecutive pages, in the order the pages came. */
final class PageRunsTests {

    private static final int PAGE = PulledPage.PAGE_SIZE;

    @TempDir
    Path folder;

    /** The size of each write, as the runs report it. */
    private final List<Long> writes = new ArrayList<>();

    @Test
    void consecutivePagesAreWrittenOncePerFullRun() throws Exception {
        Path path = folder.resolve("f");
        try (FileChannel file = open(path)) {
            PageRuns runs = new PageRuns(file, 4, writes::add);
            for (long id = 0; id < 10; id++) {
                runs.write(page(id, (byte) id));
            }
            assertThat(writes).as("two full runs written, the third still gathered").containsExactly(4L * PAGE,
                    4L * PAGE);
            runs.flush();
            runs.flush();
        }
        assertThat(writes).containsExactly(4L * PAGE, 4L * PAGE, 2L * PAGE);
        byte[] written = Files.readAllBytes(path);
        assertThat(written).hasSize(10 * PAGE);
        for (int id = 0; id < 10; id++) {
            assertThat(written[id * PAGE]).isEqualTo((byte) id);
            assertThat(written[id * PAGE + PAGE - 1]).isEqualTo((byte) id);
        }
    }

    @Test
    void aPageThatDoesNotFollowEndsTheRunAndAPageSentTwiceKeepsItsLaterImage() throws Exception {
        byte[] written = Files.readAllBytes(writeAndFlush(page(0, (byte) 1), page(1, (byte) 1), page(2, (byte) 1),
                page(1, (byte) 2), page(5, (byte) 3)));

        assertThat(writes).containsExactly(3L * PAGE, (long) PAGE, (long) PAGE);
        assertThat(written).hasSize(6 * PAGE);
        assertThat(Arrays.copyOfRange(written, PAGE, 2 * PAGE)).containsOnly((byte) 2);
        assertThat(Arrays.copyOfRange(written, 2 * PAGE, 3 * PAGE)).containsOnly((byte) 1);
        assertThat(Arrays.copyOfRange(written, 5 * PAGE, 6 * PAGE)).containsOnly((byte) 3);
    }

    @Test
    void aPageOfAnotherSizeIsWrittenByItselfAfterTheRun() throws Exception {
        Path path = writeAndFlush(page(0, (byte) 1), new PulledPage(1, ByteString.copyFrom(new byte[100])));

        assertThat(writes).containsExactly((long) PAGE, 100L);
        assertThat(Files.size(path)).isEqualTo(PAGE + 100L);
    }

    /** Writes the pages in runs of at most 64 and flushes; returns the file. */
    private Path writeAndFlush(PulledPage... pages) throws Exception {
        Path path = folder.resolve("runs");
        try (FileChannel file = open(path)) {
            PageRuns runs = new PageRuns(file, 64, writes::add);
            for (PulledPage page : pages) {
                runs.write(page);
            }
            runs.flush();
        }
        return path;
    }

    private static PulledPage page(long id, byte fill) {
        byte[] image = new byte[PAGE];
        Arrays.fill(image, fill);
        return new PulledPage(id, ByteString.copyFrom(image));
    }

    private static FileChannel open(Path path) throws Exception {
        return FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    }
}
