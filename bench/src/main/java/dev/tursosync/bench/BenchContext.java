package dev.tursosync.bench;

import dev.tursosync.testing.RemoteSql;
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
    private final Map<String, AutoCloseable> shared = new LinkedHashMap<>();

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
    LocalSyncServer remote(String name, Consumer<RemoteSql> seed) {
        LocalSyncServer existing = remotes.get(name);
        if (existing != null) {
            return existing;
        }
        LocalSyncServer server = LocalSyncServer.start(freshDirectory("remote-" + name));
        remotes.put(name, server);
        long start = System.nanoTime();
        try (RemoteSql sql = new RemoteSql(server.url())) {
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

    /** Opens what several workloads share; {@link #close()} closes it (before the remotes stop). */
    @FunctionalInterface
    interface Opener<T extends AutoCloseable> {
        T open() throws Exception;
    }

    /**
     * What several workloads of a group share (such as open replicas), opened by the first that asks.
     *
     * @param name   a name unique within the run
     * @param opener opens it
     * @param <T>    its type
     * @return the shared resource
     * @throws Exception if opening fails
     */
    @SuppressWarnings("unchecked")
    <T extends AutoCloseable> T shared(String name, Opener<T> opener) throws Exception {
        AutoCloseable existing = shared.get(name);
        if (existing == null) {
            existing = opener.open();
            shared.put(name, existing);
        }
        return (T) existing;
    }

    /** Closes the shared resources, then stops every remote started through {@link #remote}. */
    @Override
    public void close() {
        List<RuntimeException> failures = new ArrayList<>();
        for (AutoCloseable resource : shared.values()) {
            try {
                resource.close();
            } catch (Exception e) {
                failures.add(e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e));
            }
        }
        shared.clear();
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
