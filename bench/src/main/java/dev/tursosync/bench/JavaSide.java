package dev.tursosync.bench;

import dev.tursosync.SyncClient;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The Java client of this project, run in the harness JVM. Bootstraps are timed around {@code open().block()}, pulls
 * around {@code pullChanges().count().block()} (the change events are part of a pull's cost).
 */
public final class JavaSide implements SyncSide {

    private static final Duration GENEROUS = Duration.ofMinutes(10);

    @Override
    public String name() {
        return "Java";
    }

    @Override
    public double bootstrap(String url, Path path) {
        SyncClient client = client(url, path);
        try {
            long start = System.nanoTime();
            client.open().block(GENEROUS);
            return Millis.since(start);
        } finally {
            client.close().block(GENEROUS);
        }
    }

    @Override
    public Replica open(String url, Path path) {
        SyncClient client = client(url, path);
        try {
            client.open().block(GENEROUS);
        } catch (RuntimeException e) {
            client.close().block(GENEROUS);
            throw e;
        }
        return new JavaReplica(client);
    }

    /**
     * Builds a client with the options the benchmark uses: defaults, except timeouts long enough for big bootstraps.
     *
     * @param url  the remote
     * @param path the database file
     * @return a client, not opened
     */
    static SyncClient client(String url, Path path) {
        return SyncClient.builder().path(path).url(url).clientName("bench-java").responseTimeout(GENEROUS).build();
    }

    private record JavaReplica(SyncClient client) implements Replica {

        @Override
        public PullResult pull() {
            long start = System.nanoTime();
            Long events = client.pullChanges().count().block(GENEROUS);
            double ms = Millis.since(start);
            return new PullResult(ms, events + " events");
        }

        @Override
        public void close() {
            client.close().block(GENEROUS);
        }
    }
}
