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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * A loopback HTTP proxy in front of the real server that rewrites one reply as an attacker would: each request is
 * forwarded, the whole reply is read (a chunked body is de-chunked), and a reply matching the armed attack is
 * rewritten before the client sees it. An attack fires once; {@link #fired()} tells whether it did.
 */
final class RewritingProxy implements AutoCloseable {

    /** A reply as the proxy read it. */
    record Reply(int status, List<String> headers, byte[] body) {

        /** The reply with another body, sent with a {@code Content-Length}. */
        Reply withBody(byte[] newBody) {
            return new Reply(status, headers, newBody);
        }

        /** The reply as raw bytes, with a {@code Content-Length} and {@code Connection: close}. */
        byte[] bytes() {
            StringBuilder head = new StringBuilder("HTTP/1.1 " + status + " X\r\n");
            for (String header : headers) {
                String lower = header.toLowerCase(Locale.ROOT);
                if (!lower.startsWith("content-length:") && !lower.startsWith("transfer-encoding:")
                        && !lower.startsWith("connection:")) {
                    head.append(header).append("\r\n");
                }
            }
            head.append("Content-Length: ").append(body.length).append("\r\nConnection: close\r\n\r\n");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.writeBytes(body);
            return out.toByteArray();
        }
    }

    /** A rewrite of the raw reply bytes; the request's path and body tell which request it answers. */
    interface Rewrite {
        byte[] apply(String path, byte[] requestBody, Reply reply) throws IOException;
    }

    /**
     * An armed rewrite: which request it applies to, what it does, and how many requests had arrived when it was
     * armed (it applies only to a later one).
     */
    private record Armed(Predicate<Request> matches, Rewrite rewrite, long arrivedBefore) {
    }

    /** A request as the proxy saw it. */
    record Request(String path, byte[] body) {

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final ServerSocket listener;
    private final URI upstream;
    private final AtomicReference<Armed> armed = new AtomicReference<>();
    private final AtomicInteger fired = new AtomicInteger();
    private final AtomicLong arrivals = new AtomicLong();
    private final AtomicReference<byte[]> lastPullBody = new AtomicReference<>();

    RewritingProxy(String upstreamUrl) throws IOException {
        this.upstream = URI.create(upstreamUrl);
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        LoopbackHttp.acceptEach(listener, "rewriting-proxy", this::handle);
    }

    String url() {
        return "http://127.0.0.1:" + listener.getLocalPort();
    }

    /**
     * Arms a rewrite for the next matching request to arrive; it fires once. A request that arrived before, still
     * waiting for the server's reply, is not rewritten: its client may have given up on it (a background pull that
     * made way for a push), and a rewrite nobody reads would be lost.
     */
    void arm(Predicate<Request> matches, Rewrite rewrite) {
        fired.set(0);
        armed.set(new Armed(matches, rewrite, arrivals.get()));
    }

    void disarm() {
        armed.set(null);
    }

    /** How many replies the armed rewrite changed (0 or 1). */
    int fired() {
        return fired.get();
    }

    /** The body of the last {@code /pull-updates} reply forwarded unchanged. */
    byte[] lastPullBody() {
        return lastPullBody.get();
    }

    private void handle(Socket client) {
        try (client) {
            LoopbackHttp.Request read = LoopbackHttp.readRequest(client.getInputStream());
            if (read == null) {
                return;
            }
            long arrival = arrivals.incrementAndGet();
            Reply reply;
            try (Socket server = new Socket(upstream.getHost(), upstream.getPort())) {
                server.getOutputStream().write(read.bytes());
                server.getOutputStream().flush();
                reply = readReply(server.getInputStream());
            }
            Request request = new Request(read.path(), read.body());
            Armed attack = armed.get();
            byte[] answer;
            if (attack != null && arrival > attack.arrivedBefore() && attack.matches().test(request)
                    && armed.compareAndSet(attack, null)) {
                answer = attack.rewrite().apply(read.path(), read.body(), reply);
                fired.incrementAndGet();
            } else {
                if (read.path().endsWith("/pull-updates") && reply.status() == 200) {
                    lastPullBody.set(reply.body());
                }
                answer = reply.bytes();
            }
            OutputStream out = client.getOutputStream();
            out.write(answer);
            out.flush();
        } catch (IOException ignored) {
            // the client sees a closed connection
        }
    }

    private static Reply readReply(InputStream in) throws IOException {
        String head = LoopbackHttp.readHead(in);
        if (head == null) {
            throw new IOException("the server closed without a reply");
        }
        String[] lines = head.split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        List<String> headers = new ArrayList<>();
        boolean chunked = false;
        int length = -1;
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].isEmpty()) {
                continue;
            }
            String lower = lines[i].toLowerCase(Locale.ROOT);
            if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            } else if (lower.startsWith("content-length:")) {
                length = Integer.parseInt(lines[i].substring(15).trim());
            }
            headers.add(lines[i]);
        }
        byte[] body;
        if (chunked) {
            body = dechunk(in);
        } else if (length >= 0) {
            body = in.readNBytes(length);
        } else {
            body = in.readAllBytes();
        }
        return new Reply(status, headers, body);
    }

    private static byte[] dechunk(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            StringBuilder line = new StringBuilder();
            int b;
            while ((b = in.read()) >= 0 && b != '\n') {
                if (b != '\r') {
                    line.append((char) b);
                }
            }
            String size = line.toString().split(";")[0].trim();
            if (size.isEmpty()) {
                if (b < 0) {
                    return body.toByteArray();
                }
                continue;
            }
            int length = Integer.parseInt(size, 16);
            if (length == 0) {
                return body.toByteArray();
            }
            body.writeBytes(in.readNBytes(length));
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
