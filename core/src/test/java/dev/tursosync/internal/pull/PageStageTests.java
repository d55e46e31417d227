package dev.tursosync.internal.pull;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.tursosync.internal.proto.PullUpdatesRespProtoBody;
import dev.tursosync.internal.transport.PullFrame;
import dev.tursosync.internal.transport.PullHeader;
import dev.tursosync.internal.transport.PulledPage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/** {@link PageStage}: small pulls stay in memory, larger ones go to the stage file, and both read back alike. */
class PageStageTests {

    @TempDir
    Path folder;

    @Test
    void aPullWithinTheLimitStaysInMemory() {
        Path file = folder.resolve("stage");
        PageStage.Staged staged = stage(file, 4, 3, 1, 2, 3, 1);

        assertThat(staged.inMemory()).isNotNull();
        assertThat(file).doesNotExist();
        assertStaged(staged, file, new long[] {3, 1, 2}, new int[] {1, 1, 0});
    }

    @Test
    void aPullBeyondTheLimitMovesEveryPageToTheFile() {
        Path file = folder.resolve("stage");
        PageStage.Staged staged = stage(file, 2, 5, 7, 5, 9, 6);

        assertThat(staged.inMemory()).isNull();
        assertThat(file).exists();
        assertStaged(staged, file, new long[] {5, 7, 9, 6}, new int[] {1, 0, 0, 0});
    }

    @Test
    void aReleasedStageDeletesItsFileAndRefusesLaterPages() {
        Path file = folder.resolve("stage");
        PageStage.Staged staged = stage(file, 1, 5, 7, 9);
        assertThat(file).exists();

        new PageStage(Schedulers.boundedElastic(), 1).release(staged.stage()).block();

        assertThat(file).doesNotExist();
        assertThatThrownBy(() -> staged.stage().add(new PulledPage(10, ByteString.copyFrom(image(11, 0)))))
                .isInstanceOf(IOException.class).hasMessageContaining("released");
        assertThatThrownBy(staged::open).isInstanceOf(IllegalStateException.class);
        assertThat(file).as("no write reopens the file after the release").doesNotExist();
    }

    /** Stages pages; the {@code n}-th frame of a page number holds the byte {@code 16 * page + n} everywhere. */
    private PageStage.Staged stage(Path file, int memoryPages, long... pageNumbers) {
        List<PullFrame> frames = new ArrayList<>();
        frames.add(new PullHeader(PullUpdatesRespProtoBody.newBuilder().setServerRevision("r1").setDbSize(10)
                .build()));
        for (int i = 0; i < pageNumbers.length; i++) {
            frames.add(new PulledPage(pageNumbers[i] - 1, ByteString.copyFrom(image(pageNumbers[i], version(
                    pageNumbers, i)))));
        }
        PageStage stager = new PageStage(Schedulers.boundedElastic(), memoryPages);
        return stager.write(Flux.fromIterable(frames), stager.open(file)).block();
    }

    /** The pages read back in first-seen order, each in its last version; every read is a copy. */
    private static void assertStaged(PageStage.Staged staged, Path file, long[] order, int[] lastVersions) {
        assertThat(staged.header().revision()).isEqualTo("r1");
        assertThat(staged.pageCount()).isEqualTo(5);
        try (StagedPages pages = staged.open()) {
            assertThat(pages.pageNumbers()).containsExactly(Arrays.stream(order).boxed().toArray(Long[]::new));
            for (int i = 0; i < order.length; i++) {
                byte[] read = pages.page(order[i]);
                assertThat(read).isEqualTo(image(order[i], lastVersions[i]));
                read[0] = -1;
                assertThat(pages.page(order[i])).isEqualTo(image(order[i], lastVersions[i]));
            }
            assertThat(pages.page(8)).isNull();
        }
    }

    private static int version(long[] pageNumbers, int index) {
        int version = 0;
        for (int i = 0; i < index; i++) {
            if (pageNumbers[i] == pageNumbers[index]) {
                version++;
            }
        }
        return version;
    }

    private static byte[] image(long page, int version) {
        byte[] image = new byte[4096];
        Arrays.fill(image, (byte) (16 * page + version));
        return image;
    }
}
