package dev.tursosync.internal.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The four-chain frame checksum against the format's single chain ({@link WalFormat#checksum}). */
final class FrameChecksumTests {

    private static final int[] PAGE_SIZES = {512, 1024, 2048, 4096, 8192, 16384, 32768, 65536};

    /** The format's definition, one pair of words after the other: 8 header bytes, then the page. */
    private static long serial(byte[] data, int frame, int pageSize, boolean bigEndian, long running) {
        long afterHeader = WalFormat.checksum(data, frame, 8, bigEndian, running);
        return WalFormat.checksum(data, frame + WalFormat.FRAME_HEADER_SIZE, pageSize, bigEndian, afterHeader);
    }

    @ParameterizedTest(name = "bigEndian={0}")
    @ValueSource(booleans = {false, true})
    void equalsTheFormatsChecksumForEveryPageSizeAndRunningValue(boolean bigEndian) {
        SplittableRandom random = new SplittableRandom(20261207);
        for (int pageSize : PAGE_SIZES) {
            FrameChecksum checksum = new FrameChecksum(pageSize, bigEndian);
            for (int trial = 0; trial < 20; trial++) {
                int at = 8 * random.nextInt(4);   // frames start anywhere in a chunk
                byte[] data = new byte[at + WalFormat.frameSize(pageSize) + 8];
                random.nextBytes(data);
                long running = trial == 0 ? 0 : random.nextLong();

                assertThat(checksum.continueOverFrame(data, at, running))
                        .as("page size %d, trial %d", pageSize, trial)
                        .isEqualTo(serial(data, at, pageSize, bigEndian, running));
            }
        }
    }

    /** One changed byte anywhere in the checksummed bytes (each quarter, the frame header) changes the checksum. */
    @ParameterizedTest(name = "bigEndian={0}")
    @ValueSource(booleans = {false, true})
    void everyChecksummedByteCounts(boolean bigEndian) {
        int pageSize = 512;
        FrameChecksum checksum = new FrameChecksum(pageSize, bigEndian);
        byte[] data = new byte[WalFormat.frameSize(pageSize)];
        new SplittableRandom(7).nextBytes(data);
        long running = 0x1234_5678_9abc_def0L;
        long intact = checksum.continueOverFrame(data, 0, running);
        for (int offset = 0; offset < data.length; offset++) {
            data[offset] ^= 0x20;
            boolean checksummed = offset < 8 || offset >= WalFormat.FRAME_HEADER_SIZE;
            long damaged = checksum.continueOverFrame(data, 0, running);

            assertThat(damaged).as("byte %d", offset).isEqualTo(serial(data, 0, pageSize, bigEndian, running));
            assertThat(damaged != intact).as("byte %d changes the checksum", offset).isEqualTo(checksummed);
            data[offset] ^= 0x20;
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 256, 4095, 3 * 4096})
    void refusesWhatIsNoPageSize(int pageSize) {
        assertThatThrownBy(() -> new FrameChecksum(pageSize, false)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesAFrameThatRunsPastItsBytes() {
        FrameChecksum checksum = new FrameChecksum(512, false);
        byte[] data = new byte[WalFormat.frameSize(512)];

        assertThatThrownBy(() -> checksum.continueOverFrame(data, 8, 0))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }
}
