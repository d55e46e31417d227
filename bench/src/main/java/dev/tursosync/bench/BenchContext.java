package dev.tursosync.bench;

import dev.tursosync.examples.RemoteWriter;
import dev.tursosync.testing.LocalSyncServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What workloads share: the options, the clients under test, scratch folders, and seeded remotes (each a
 * {@link LocalSyncServer} started once by name and stopped by {@link #close()}).
 */
final class BenchContext implements AutoCloseable {

    private final BenchOptions options;
    private final List<SyncSide> sides;
    private final Map<String, LocalSyncServer> remotes = new LinkedHashMap<>();

    BenchContext(BenchOptions options, List<SyncSide> sides) {
        this.options = options;
        this.sides = List.copyOf(sides);
    }

    BenchOptions options() {
        return options;
    }

    /** The clients under test, JS first. */
    List<SyncSide> sides() {
        return sides;
    }

    /**
     * A new empty folder under the work directory.
     *
     * @param name the folder's name, unique within the run
     * @return the folder
     */
    Path freshDirectory(String name) {
        Path dir = options.workDir().resolve(name);
        try {
            Files.createDirectories(dir);
            try (var entries = Files.list(dir)) {
                if (entries.findAny().isPresent()) {
                    throw new IllegalStateException("not empty: " + dir);
                }
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The remote of the given name, started and seeded on first use (seeding time is printed).
     *
     * @param name a name for the remote, such as {@code blob-50mb}
     * @param seed writes the initial data through the server
     * @return the running server
     */
    LocalSyncServer remote(String name, Consumer<RemoteWriter> seed) {
        LocalSyncServer existing = remotes.get(name);
        if (existing != null) {
            return existing;
        }
        LocalSyncServer server = LocalSyncServer.start(freshDirectory("remote-" + name));
        remotes.put(name, server);
        long start = System.nanoTime();
        try (RemoteWriter sql = new RemoteWriter(server.url(), null)) {
            seed.accept(sql);
        }
        System.out.printf("seeded remote %s in %.1f s (%s)%n", name, Millis.since(start) / 1000,
                Report.megabytes(directorySize(server.dataDirectory())));
        return server;
    }

    /**
     * A remote of the given name with nothing in it, started on first use.
     *
     * @param name a name for the remote
     * @return the running server
     */
    LocalSyncServer emptyRemote(String name) {
        return remote(name, sql -> {
        });
    }

    /**
     * Total size of the regular files in a folder, not recursive.
     *
     * @param dir the folder
     * @return bytes
     */
    static long directorySize(Path dir) {
        try (var files = Files.list(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops every remote started through {@link #remote}. */
    @Override
    public void close() {
        List<RuntimeException> failures = new ArrayList<>();
        for (LocalSyncServer server : remotes.values()) {
            try {
                server.close();
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        remotes.clear();
        if (!failures.isEmpty()) {
            throw failures.get(0);
        }
    }
}
