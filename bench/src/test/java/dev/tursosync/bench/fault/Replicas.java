package dev.tursosync.bench.fault;

import dev.tursosync.RetryOptions;
import dev.tursosync.SyncClient;
import dev.tursosync.bench.JsDriverInstall;
import dev.tursosync.testing.FaultConfig;
import dev.tursosync.testing.FaultCounts;
import dev.tursosync.testing.FaultKind;
import dev.tursosync.testing.FaultProxy;
import dev.tursosync.testing.LocalSyncServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The three replicas of the suite, each behind its own {@link FaultProxy}: Java clients {@code A} and {@code B}
 * ({@code A.db}, {@code B.db}) and a client of the official JS SDK ({@code JS}, {@code js.db}). They are opened with
 * faults off; faults are turned on afterwards.
 */
final class Replicas implements AutoCloseable {

    /** The Java clients' connect and response timeouts: a stall turns into a timeout. */
    static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(2);
    /** How long a stall lasts, longer than {@link #CLIENT_TIMEOUT}. */
    static final Duration STALL = Duration.ofSeconds(3);
    /** The Java clients' retries. */
    static final RetryOptions RETRY = RetryOptions.builder().maxRetries(3).firstBackoff(Duration.ofMillis(50))
            .maxBackoff(Duration.ofMillis(500)).jitter(0.5).build();
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final Path dir;
    private final Map<String, FaultProxy> proxies = new LinkedHashMap<>();
    private final Map<String, SyncClient> javaClients = new LinkedHashMap<>();
    private JsPipe pipe;
    private JsClient js;

    private Replicas(Path dir) {
        this.dir = dir;
    }

    /**
     * The faults of the suite: per request, nearly one in three is faulted (stalls, the costliest, one in 60); one
     * connection in 20 is refused.
     *
     * @return the configuration
     */
    static FaultConfig faults() {
        return FaultConfig.builder()
                .probability(FaultKind.REFUSE, 0.05)
                .probability(FaultKind.RESET_REQUEST, 0.05)
                .probability(FaultKind.RESET_RESPONSE, 0.06)
                .probability(FaultKind.DELAY, 0.05)
                .probability(FaultKind.STALL_REQUEST, 0.008)
                .probability(FaultKind.STALL_RESPONSE, 0.008)
                .probability(FaultKind.CUT_RESPONSE, 0.06)
                .probability(FaultKind.HTTP_500, 0.025)
                .probability(FaultKind.HTTP_502, 0.025)
                .probability(FaultKind.HTTP_503, 0.025)
                .delay(Duration.ofMillis(20), Duration.ofMillis(400))
                .stall(STALL)
                .build();
    }

    /**
     * Starts the proxies (faults off), opens both Java clients and the JS client through them.
     *
     * @param server the real server
     * @param dir    the folder of the replicas and logs
     * @param jsDir  the folder of {@code driver.mjs}
     * @param random gives each proxy its seed
     * @return the open replicas
     */
    static Replicas open(LocalSyncServer server, Path dir, Path jsDir, Random random) throws Exception {
        Replicas replicas = new Replicas(dir);
        try {
            for (String name : List.of("A", "B", "JS")) {
                FaultProxy proxy = new FaultProxy(server.port(), random.nextLong(), faults());
                proxy.faultsOn(false);
                replicas.proxies.put(name, proxy);
            }
            for (String name : List.of("A", "B")) {
                SyncClient client = javaClient(replicas.db(name), replicas.proxies.get(name).url(), name);
                replicas.javaClients.put(name, client);
                client.open().block(WAIT);
            }
            Path log = Files.createDirectories(dir.resolve("logs")).resolve("js-driver.log");
            JsDriverInstall.ensureInstalled(jsDir, log);
            replicas.pipe = JsPipe.start(jsDir, log);
            replicas.js = JsClient.open(replicas.pipe, "js", replicas.proxies.get("JS").url(), replicas.db("JS"));
            return replicas;
        } catch (Exception | Error e) {
            replicas.close();
            throw e;
        }
    }

    /**
     * A Java client as the suite configures it: short timeouts, retries, a small automatic checkpoint threshold.
     *
     * @param db   its database file
     * @param url  the remote (a proxy, or the server itself)
     * @param name its name, part of the client name
     * @return the client, not opened
     */
    static SyncClient javaClient(Path db, String url, String name) {
        return SyncClient.builder().path(db).url(url).clientName("fault-" + name)
                .connectTimeout(CLIENT_TIMEOUT).responseTimeout(CLIENT_TIMEOUT).retry(RETRY)
                .autoCheckpointWalBytes(256 * 1024).build();
    }

    /**
     * The database file of a replica.
     *
     * @param name {@code A}, {@code B}, {@code JS} or another name
     * @return its path
     */
    Path db(String name) {
        return dir.resolve(name.equals("JS") ? "js.db" : name + ".db");
    }

    Map<String, SyncClient> javaClients() {
        return javaClients;
    }

    JsClient js() {
        return js;
    }

    FaultProxy proxy(String name) {
        return proxies.get(name);
    }

    void faultsOn(boolean on) {
        proxies.values().forEach(proxy -> proxy.faultsOn(on));
    }

    /**
     * What the proxies did, by replica.
     *
     * @return replica name to counts
     */
    Map<String, FaultCounts> counts() {
        Map<String, FaultCounts> counts = new LinkedHashMap<>();
        proxies.forEach((name, proxy) -> counts.put(name, proxy.counts()));
        return counts;
    }

    /** Closes the clients (Java, then JS and its driver) and the proxies; a failure does not stop the rest. */
    void closeClients() {
        List<RuntimeException> failures = new ArrayList<>();
        javaClients.values().forEach(client -> {
            try {
                client.close().block(WAIT);
            } catch (RuntimeException e) {
                failures.add(e);
            }
        });
        javaClients.clear();
        if (pipe != null) {
            try {
                if (js != null) {
                    js.close();
                }
            } catch (RuntimeException e) {
                failures.add(e);
            } finally {
                pipe.close();
                pipe = null;
                js = null;
            }
        }
        if (!failures.isEmpty()) {
            IllegalStateException failure = new IllegalStateException("closing the replicas failed");
            failures.forEach(failure::addSuppressed);
            throw failure;
        }
    }

    @Override
    public void close() {
        try {
            closeClients();
        } finally {
            proxies.values().forEach(FaultProxy::close);
        }
    }
}
