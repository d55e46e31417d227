package dev.tursosync.internal.transport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A scripted HTTP/1.1 server on loopback for tests: it records each request and lets a {@link Script} write
 * whatever bytes it likes back, including broken replies, resets and silence.
 */
final class FakeSyncServer implements AutoCloseable {

    /** What the server does with a request. */
    @FunctionalInterface
    interface Script {
        void reply(RecordedRequest request, Reply reply) throws Exception;
    }

    /** A request as received. */
    record RecordedRequest(String method, String path, Map<String, String> headers, byte[] body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** The raw reply channel. */
    static final class Reply {
        private final Socket socket;
        private final OutputStream out;
        private final boolean keepAlive;

        Reply(Socket socket, boolean keepAlive) throws IOException {
            this.socket = socket;
            this.out = socket.getOutputStream();
            this.keepAlive = keepAlive;
        }

        void send(int status, String contentType, byte[] body) throws IOException {
            head(status, contentType, body.length);
            out.write(body);
            out.flush();
        }

        void head(int status, String contentType, long contentLength) throws IOException {
            out.write(("HTTP/1.1 " + status + " X\r\nContent-Type: " + contentType + "\r\nContent-Length: "
                    + contentLength + "\r\nConnection: " + (keepAlive ? "keep-alive" : "close") + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        void write(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        /** Closes the connection with a TCP reset. */
        void reset() throws IOException {
            socket.setSoLinger(true, 0);
            socket.close();
        }

        /** Never answers: holds the connection until the server closes. */
        void hang() throws InterruptedException {
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    private final ServerSocket server;
    private final Thread acceptor;
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final List<Thread> handlers = new CopyOnWriteArrayList<>();
    private final boolean keepAlive;
    private volatile Script script;

    /** A server that answers one request per connection and closes it. */
    FakeSyncServer(Script script) throws IOException {
        this(script, false);
    }

    /**
     * A server that, with {@code keepAlive}, answers every request a connection sends, in turn, until the client
     * closes it, as the real server and Turso Cloud do.
     */
    FakeSyncServer(Script script, boolean keepAlive) throws IOException {
        this.script = script;
        this.keepAlive = keepAlive;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptLoop, "fake-sync-server");
        this.acceptor.setDaemon(true);
        this.acceptor.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    List<RecordedRequest> requests() {
        return requests;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                open.add(socket);
                Thread handler = new Thread(() -> handle(socket), "fake-sync-server-conn");
                handler.setDaemon(true);
                handlers.add(handler);
                handler.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void handle(Socket socket) {
        try (socket) {
            do {
                RecordedRequest request = read(socket.getInputStream());
                requests.add(request);
                script.reply(request, new Reply(socket, keepAlive));
            } while (keepAlive);
        } catch (SocketException | InterruptedException closed) {
            // the test or the client ended the connection
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static RecordedRequest read(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new SocketException("closed before the request head ended");
            }
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String[] lines = head.toString(StandardCharsets.US_ASCII).split("\r\n");
        String[] requestLine = lines[0].split(" ");
        Map<String, String> headers = new TreeMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim());
            }
        }
        int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        return new RecordedRequest(requestLine[0], requestLine[1], headers, in.readNBytes(length));
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : open) {
            socket.close();
        }
        acceptor.interrupt();
        handlers.forEach(Thread::interrupt);
    }
}
