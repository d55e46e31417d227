package dev.tursosync.internal.pull;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/** The background forces of a streamed file: one per threshold of written bytes, never two at once, never fatal. */
final class WriteBehindTests {

    @TempDir
    Path folder;

    /** The scheduled forces, run only when the test says so. */
    private final List<Runnable> queued = new ArrayList<>();
    private final Scheduler held = Schedulers.fromExecutor(queued::add);

    @Test
    void startsAForceOncePerThresholdAndNeverTwoAtOnce() throws Exception {
        try (FileChannel file = FileChannel.open(folder.resolve("f"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE)) {
            WriteBehind writeBehind = new WriteBehind(file, held, 8192);

            writeBehind.written(4096);
            assertThat(writeBehind.started()).isZero();
            writeBehind.written(4096);
            assertThat(writeBehind.started()).isEqualTo(1);
            writeBehind.written(8192);
            writeBehind.written(8192);
            assertThat(writeBehind.started()).as("the first force has not run yet").isEqualTo(1);
            assertThat(queued).hasSize(1);

            queued.remove(0).run();
            writeBehind.written(8192);
            assertThat(writeBehind.started()).isEqualTo(2);
            assertThat(queued).hasSize(1);
        }
    }

    @Test
    void aForceOnAClosedFileIsIgnoredAndLetsTheNextOneStart() throws Exception {
        FileChannel file = FileChannel.open(folder.resolve("f"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        file.write(ByteBuffer.allocate(4096), 0);
        WriteBehind writeBehind = new WriteBehind(file, held, 4096);
        writeBehind.written(4096);
        file.close();

        queued.remove(0).run();
        writeBehind.written(4096);

        assertThat(writeBehind.started()).isEqualTo(2);
    }

    @Test
    void aSchedulerThatRefusesWorkStartsNoForce() throws Exception {
        Scheduler disposed = Schedulers.newSingle("write-behind-test");
        disposed.dispose();
        try (FileChannel file = FileChannel.open(folder.resolve("f"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE)) {
            WriteBehind writeBehind = new WriteBehind(file, disposed, 4096);
            writeBehind.written(4096);
            writeBehind.written(4096);
            assertThat(writeBehind.started()).isZero();
        }
    }
}
