package dev.tursosync.testing;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reads the end of a log file, for error messages. */
final class LogTail {

    private static final int MAX_BYTES = 16 * 1024;

    private LogTail() {
    }

    /** Returns the size of a file, or 0 when it does not exist or cannot be read. */
    static long sizeOf(Path file) {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** Returns at most {@code maxLines} last lines of the file, joined by newlines. */
    static String lastLines(Path file, int maxLines) {
        return lastLines(file, 0, maxLines);
    }

    /** Returns at most {@code maxLines} last lines written at or after byte {@code fromOffset}. */
    static String lastLines(Path file, long fromOffset, int maxLines) {
        List<String> lines = textSince(file, fromOffset).strip().lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - maxLines), lines.size()));
    }

    /** Returns what was written at or after byte {@code fromOffset}, at most the last 16 KiB of it. */
    static String textSince(Path file, long fromOffset) {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long start = Math.max(fromOffset, raf.length() - MAX_BYTES);
            byte[] bytes = new byte[(int) Math.max(0, raf.length() - start)];
            raf.seek(start);
            raf.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }
}
