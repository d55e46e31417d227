package dev.tursosync.client;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The files this process holds open under a folder, read from {@code /proc/self/fd} (Linux). */
final class OpenFiles {

    private OpenFiles() {
    }

    /**
     * The open files under a folder, one entry per descriptor (deleted files included, as the kernel names them).
     *
     * @param folder the folder
     * @return the targets of the descriptors that point into it
     * @throws IOException if {@code /proc/self/fd} cannot be read
     */
    static List<String> under(Path folder) throws IOException {
        String prefix = folder.toRealPath().toString() + "/";
        List<String> open = new ArrayList<>();
        try (DirectoryStream<Path> descriptors = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path descriptor : descriptors) {
                try {
                    String target = Files.readSymbolicLink(descriptor).toString();
                    if (target.startsWith(prefix)) {
                        open.add(target);
                    }
                } catch (IOException closedMeanwhile) {
                    // the descriptor closed while the folder was read
                }
            }
        }
        return open;
    }
}
