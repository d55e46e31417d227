package dev.tursosync.testing;

import io.netty.channel.ChannelOption;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.resources.LoopResources;
import reactor.netty.tcp.TcpClient;
import reactor.netty.tcp.TcpServer;

/**
 * A fault-injecting TCP proxy on loopback, between HTTP/1.1 clients and a server on another loopback port.
 *
 * <p>Each accepted connection gets its own {@link Random}, drawn in turn from the seed's, and its own connection to
 * the server. The proxy finds where each request begins and ends ({@code Content-Length}) and, with the probabilities
 * of a {@link FaultConfig}, refuses the connection (closes it at once) or, for each request, resets both connections
 * at a random byte of the request or of its response, delays the request, stalls (stops forwarding, then resets),
 * cuts the response short with a clean close, or answers {@code 500}, {@code 502} or {@code 503} itself without
 * contacting the server. Everything else passes through untouched. With the same seed, connections accepted in the
 * same order draw the same faults.
 *
 * <pre>{@code
 * try (FaultProxy proxy = new FaultProxy(server.port(), seed, config)) {
 *     SyncClient client = SyncClient.builder().path(db).url(proxy.url()).build();
 *     ...                       // work under faults
 *     proxy.faultsOn(false);    // pure pass-through from now on
 *     ...
 *     System.out.println(proxy.counts());
 * }
 * }</pre>
 */
public final class FaultProxy implements AutoCloseable {

    private static final String LOOPBACK = "127.0.0.1";
    private static final Duration BIND_TIMEOUT = Duration.ofSeconds(10);

    private final Random seeds;
    private final FaultCounters counters = new FaultCounters();
    private final AtomicBoolean faultsOn = new AtomicBoolean(true);
    private final AtomicLong connectionIds = new AtomicLong();
    private final Set<ProxiedConnection> connections = ConcurrentHashMap.newKeySet();
    private final LoopResources loops;
    private final ProxiedConnection.Context context;
    private final DisposableServer server;

    /**
     * Starts the proxy on a free loopback port, with faults on.
     *
     * @param targetPort the server's port on {@code 127.0.0.1}
     * @param seed       the seed of every random choice
     * @param config     the fault probabilities
     */
    public FaultProxy(int targetPort, long seed, FaultConfig config) {
        Objects.requireNonNull(config, "config");
        this.seeds = new Random(seed);
        this.loops = LoopResources.create("fault-proxy", 1, 2, true);
        TcpClient toServer = TcpClient.newConnection().runOn(loops).host(LOOPBACK).port(targetPort)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000);
        this.context = new ProxiedConnection.Context(toServer, config, counters, faultsOn::get);
        try {
            this.server = TcpServer.create().runOn(loops).host(LOOPBACK).port(0)
                    .handle((inbound, outbound) -> {
                        Connection[] accepted = new Connection[1];
                        inbound.withConnection(connection -> accepted[0] = connection);
                        accept(accepted[0]);
                        return accepted[0].onDispose();
                    })
                    .bindNow(BIND_TIMEOUT);
        } catch (RuntimeException e) {
            loops.dispose();
            throw e;
        }
    }

    private void accept(Connection connection) {
        Random random;
        synchronized (seeds) {
            random = new Random(seeds.nextLong());
        }
        ProxiedConnection proxied = ProxiedConnection.start(connectionIds.incrementAndGet(), connection, random,
                context);
        connections.add(proxied);
        connection.onDispose(() -> connections.remove(proxied));
    }

    /**
     * The proxy's port on {@code 127.0.0.1}.
     *
     * @return the port
     */
    public int port() {
        return server.port();
    }

    /**
     * The proxy's address as an HTTP URL, to give to clients in place of the server's.
     *
     * @return {@code http://127.0.0.1:<port>}
     */
    public String url() {
        return "http://" + LOOPBACK + ":" + port();
    }

    /**
     * Turns faults on or off. Off, new connections and requests pass through untouched; a fault already under way
     * (a stall, a delay) runs to its end.
     *
     * @param on {@code true} to inject faults
     */
    public void faultsOn(boolean on) {
        faultsOn.set(on);
    }

    /**
     * Tells whether faults are injected now.
     *
     * @return {@code true} if they are
     */
    public boolean faultsOn() {
        return faultsOn.get();
    }

    /**
     * The number of faults injected so far, cheap to read before and after an operation.
     *
     * @return the total over all kinds
     */
    public long injected() {
        return counters.injected();
    }

    /**
     * Describes the faults injected after a given number of them, for a failure message: which connection, which
     * request on it, the kind and where it struck. The last 256 faults are kept.
     *
     * @param injected a value {@link #injected()} returned earlier
     * @return one line per fault injected since then (those still kept), oldest first
     */
    public List<String> faultsSince(long injected) {
        return counters.since(injected);
    }

    /**
     * What the proxy has done so far.
     *
     * @return connections, requests and faults by kind
     */
    public FaultCounts counts() {
        return counters.snapshot();
    }

    /** Closes the listening socket and every connection, and stops the proxy's threads. */
    @Override
    public void close() {
        server.disposeNow(BIND_TIMEOUT);
        connections.forEach(ProxiedConnection::dispose);
        loops.disposeLater(Duration.ZERO, Duration.ofSeconds(2)).onErrorResume(e -> Mono.empty()).block(BIND_TIMEOUT);
    }
}
