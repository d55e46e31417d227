package dev.tursosync.internal.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Makes renames and file creations durable.
 */
public final class Durability {

    private Durability() {
    }

    /**
     * Forces the folder that holds a file, so that a rename or creation of the file survives a crash.
     *
     * @param file a file in the folder
     * @throws IOException if the folder cannot be forced
     */
    public static void forceFolder(Path file) throws IOException {
        try (FileChannel folder = FileChannel.open(file.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
            folder.force(true);
        }
    }
}
