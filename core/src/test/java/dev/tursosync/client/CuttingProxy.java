package dev.tursosync.client;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * A loopback HTTP proxy for fault tests: forwards one request per connection to the real server and, as told per
 * request number, cuts the connection before forwarding the request or after the server answered (so the server
 * did the work but the client never hears of it).
 */
final class CuttingProxy implements AutoCloseable {

    /** What happens to one request. */
    enum Fault {
        /** Forward and answer. */
        NONE,
        /** Close the client's connection without forwarding. */
        CUT_BEFORE_REQUEST,
        /** Forward, read the whole answer, then close the client's connection without answering. */
        CUT_AFTER_REPLY
    }

    private final ServerSocket listener;
    private final URI upstream;
    private final AtomicInteger requests = new AtomicInteger();
    private volatile IntFunction<Fault> plan = number -> Fault.NONE;

    CuttingProxy(String upstreamUrl) throws IOException {
        this.upstream = URI.create(upstreamUrl);
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        LoopbackHttp.acceptEach(listener, "cutting-proxy", this::handle);
    }

    String url() {
        return "http://127.0.0.1:" + listener.getLocalPort();
    }

    /** Sets the plan; request numbers count from 1 from now on. */
    void plan(IntFunction<Fault> plan) {
        requests.set(0);
        this.plan = plan;
    }

    private void handle(Socket client) {
        try (client) {
            LoopbackHttp.Request read = LoopbackHttp.readRequest(client.getInputStream());
            if (read == null) {
                return;
            }
            byte[] request = read.bytes();
            Fault fault = plan.apply(requests.incrementAndGet());
            if (fault == Fault.CUT_BEFORE_REQUEST) {
                return;
            }
            byte[] response;
            try (Socket server = new Socket(upstream.getHost(), upstream.getPort())) {
                server.getOutputStream().write(request);
                server.getOutputStream().flush();
                response = server.getInputStream().readAllBytes();
            }
            if (fault == Fault.NONE) {
                OutputStream out = client.getOutputStream();
                out.write(response);
                out.flush();
            }
        } catch (IOException ignored) {
            // the client sees a closed connection
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
