package dev.tursosync.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.Consumer;

/** The plumbing of the test proxies: accepting loopback connections and reading one HTTP request or reply head. */
final class LoopbackHttp {

    /**
     * One request as read from the client.
     *
     * @param path  the request target
     * @param body  the body
     * @param bytes the whole request, rewritten to close the upstream connection after the answer
     */
    record Request(String path, byte[] body, byte[] bytes) {
    }

    private LoopbackHttp() {
    }

    /** Hands each accepted connection to a daemon thread of its own until the listener closes. */
    static void acceptEach(ServerSocket listener, String name, Consumer<Socket> handler) {
        Thread acceptor = new Thread(() -> {
            while (!listener.isClosed()) {
                try {
                    Socket client = listener.accept();
                    Thread connection = new Thread(() -> handler.accept(client), name + "-conn");
                    connection.setDaemon(true);
                    connection.start();
                } catch (IOException e) {
                    return;
                }
            }
        }, name);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Reads one request (with a {@code Content-Length} body); {@code null} if the client closed first. */
    static Request readRequest(InputStream in) throws IOException {
        String headers = readHead(in);
        if (headers == null) {
            return null;
        }
        int length = 0;
        String path = "";
        StringBuilder rewritten = new StringBuilder();
        for (String line : headers.split("\r\n")) {
            if (line.isEmpty()) {
                continue;
            }
            if (path.isEmpty()) {
                String[] parts = line.split(" ");
                path = parts.length > 1 ? parts[1] : line;
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
        return new Request(path, body, request.toByteArray());
    }

    /** Reads a request or reply head up to its empty line; {@code null} at the end of the stream. */
    static String readHead(InputStream in) throws IOException {
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
        return head.toString(StandardCharsets.ISO_8859_1);
    }
}
