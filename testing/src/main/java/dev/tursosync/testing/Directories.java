package dev.tursosync.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** File tree helpers. */
final class Directories {

    private static final Logger LOG = LoggerFactory.getLogger(Directories.class);

    private Directories() {
    }

    /** Deletes a file or a directory with everything inside it; does nothing if it does not exist. */
    static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    /** Like {@link #deleteRecursively(Path)}, but only logs a failure, for cleanup paths. */
    static void deleteQuietly(Path root) {
        try {
            deleteRecursively(root);
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot delete {}: {}", root, e.toString());
        }
    }
}
