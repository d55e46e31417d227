package dev.tursosync.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
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
    private final Thread acceptor;

    CuttingProxy(String upstreamUrl) throws IOException {
        this.upstream = URI.create(upstreamUrl);
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptLoop, "cutting-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String url() {
        return "http://127.0.0.1:" + listener.getLocalPort();
    }

    /** Sets the plan; request numbers count from 1 from now on. */
    void plan(IntFunction<Fault> plan) {
        requests.set(0);
        this.plan = plan;
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Thread handler = new Thread(() -> handle(client), "cutting-proxy-conn");
                handler.setDaemon(true);
                handler.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void handle(Socket client) {
        try (client) {
            byte[] request = readRequest(client.getInputStream());
            if (request == null) {
                return;
            }
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

    /** Reads one request and rewrites it to close the upstream connection after the answer. */
    private static byte[] readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String headers = head.toString(StandardCharsets.ISO_8859_1);
        int length = 0;
        StringBuilder rewritten = new StringBuilder();
        for (String line : headers.split("\r\n")) {
            if (line.isEmpty()) {
                continue;
            }
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
            if (!lower.startsWith("connection:")) {
                rewritten.append(line).append("\r\n");
            }
        }
        rewritten.append("Connection: close\r\n\r\n");
        byte[] body = in.readNBytes(length);
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.write(rewritten.toString().getBytes(StandardCharsets.ISO_8859_1));
        request.write(body);
        return request.toByteArray();
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
