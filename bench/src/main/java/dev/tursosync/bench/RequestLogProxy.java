package dev.tursosync.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A loopback HTTP proxy in front of {@code tursodb --sync-server} that times every request of one client for a
 * {@link RequestLog}: when the proxy connected to the server, when the reply's first byte came (the server builds a
 * whole reply before it writes any of it, so this is its queue wait plus its work) and when the last one went to the
 * client (a client that reads slowly holds the one-threaded server in its write). Bytes are relayed unchanged, one
 * request per connection, as the server closes every connection after its reply.
 */
final class RequestLogProxy implements AutoCloseable {

    private static final int HEADERS_LIMIT = 64 * 1024;
    /** How much of a reply is kept to describe it (its HTTP headers and a pull's header message). */
    private static final int REPLY_START_BYTES = 4096;

    private final String client;
    private final InetSocketAddress upstream;
    private final RequestLog log;
    private final ServerSocket listener;
    private final ExecutorService threads;

    private RequestLogProxy(String client, InetSocketAddress upstream, RequestLog log) throws IOException {
        this.client = client;
        this.upstream = upstream;
        this.log = log;
        this.listener = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
        this.threads = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "request-log-proxy-" + client);
            thread.setDaemon(true);
            return thread;
        });
        threads.execute(this::acceptLoop);
    }

    /**
     * Starts a proxy on a free loopback port.
     *
     * @param client   the client's name in the log
     * @param upstream the server's URL ({@code http://127.0.0.1:port})
     * @param log      where each request is recorded
     * @return the running proxy; {@link #close()} it
     */
    static RequestLogProxy start(String client, String upstream, RequestLog log) {
        URI uri = URI.create(upstream);
        try {
            return new RequestLogProxy(client, new InetSocketAddress(uri.getHost(), uri.getPort()), log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The URL the client uses instead of the server's. */
    String url() {
        return "http://127.0.0.1:" + listener.getLocalPort();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket accepted = listener.accept();
                threads.execute(() -> relay(accepted));
            } catch (IOException e) {
                if (!listener.isClosed()) {
                    System.err.println("request log proxy " + client + ": " + e);
                }
            }
        }
    }

    private void relay(Socket downstream) {
        try (downstream; Socket server = new Socket()) {
            InputStream fromClient = downstream.getInputStream();
            byte[] head = readHead(fromClient);
            if (head.length == 0) {
                return; // the client closed an idle connection
            }
            String headers = new String(head, StandardCharsets.ISO_8859_1);
            byte[] body = fromClient.readNBytes(contentLength(headers));
            long received = System.nanoTime();
            server.connect(upstream);
            long connected = System.nanoTime();
            OutputStream toServer = server.getOutputStream();
            toServer.write(head);
            toServer.write(body);
            toServer.flush();
            InputStream fromServer = server.getInputStream();
            OutputStream toClient = downstream.getOutputStream();
            byte[] buffer = new byte[64 * 1024];
            long firstByte = 0;
            long replyBytes = 0;
            ByteArrayOutputStream replyStart = new ByteArrayOutputStream();
            for (int read; (read = fromServer.read(buffer)) >= 0; ) {
                if (firstByte == 0) {
                    firstByte = System.nanoTime();
                }
                if (replyStart.size() < REPLY_START_BYTES) {
                    replyStart.write(buffer, 0, Math.min(read, REPLY_START_BYTES - replyStart.size()));
                }
                toClient.write(buffer, 0, read);
                replyBytes += read;
            }
            toClient.flush();
            long done = System.nanoTime();
            log.record(new RequestLog.Entry(client, RequestLog.describe(path(headers), body,
                    replyStart.toByteArray()), body.length,
                    replyBytes, server.getLocalPort(), received, connected, firstByte == 0 ? done : firstByte,
                    done));
        } catch (IOException e) {
            log.failed(client, e);
        }
    }

    /** Reads up to and including the blank line that ends the headers; empty if the stream ends first. */
    private static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < end.length) {
            int next = in.read();
            if (next < 0) {
                if (head.size() == 0) {
                    return new byte[0];
                }
                throw new IOException("the request ended inside its headers");
            }
            head.write(next);
            matched = next == end[matched] ? matched + 1 : (next == '\r' ? 1 : 0);
            if (head.size() > HEADERS_LIMIT) {
                throw new IOException("request headers over " + HEADERS_LIMIT + " bytes");
            }
        }
        return head.toByteArray();
    }

    private static int contentLength(String headers) {
        for (String line : headers.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("content-length")) {
                return Integer.parseInt(line.substring(colon + 1).trim());
            }
        }
        return 0;
    }

    private static String path(String headers) {
        String[] requestLine = headers.substring(0, headers.indexOf('\r')).split(" ");
        return requestLine.length > 1 ? requestLine[1] : "?";
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            threads.shutdownNow();
        }
    }
}
