package dev.tursosync.internal.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** Replaces small files atomically and durably: temporary file, force, rename, force of the folder. */
public final class AtomicFile {

    private AtomicFile() {
    }

    /**
     * Replaces a file's content. After a crash the file holds the old content or the new one.
     *
     * @param file  the file
     * @param bytes the new content
     * @throws IOException if writing fails; the file then still holds its old content
     */
    public static void write(Path file, byte[] bytes) throws IOException {
        Path temporary = ReplicaFiles.temporaryOf(file);
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Durability.forceFolder(file);
    }

    /**
     * Deletes a file durably.
     *
     * @param file the file; nothing happens if it is missing
     * @throws IOException if deleting fails
     */
    public static void delete(Path file) throws IOException {
        if (Files.deleteIfExists(file)) {
            Durability.forceFolder(file);
        }
    }
}
