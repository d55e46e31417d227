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
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A loopback HTTP proxy that streams each request to the real server and, as planned per request, stalls it at a
 * chosen point until {@link #release()}: before the server sees the request, after the server answered but before
 * the client hears of it, or after the first bytes of the answer. The test learns that a stall began from
 * {@link #awaitStall(Duration)}, so it can cancel exactly there. One request per connection; the answer is sent with
 * {@code Connection: close} so the client never reuses a connection the proxy closed.
 */
final class StallingProxy implements AutoCloseable {

    /** One request as the plan sees it. */
    record Request(int number, String path, String body) {

        boolean isPull() {
            return path.contains("pull-updates");
        }

        /**
         * The push position read ({@code SELECT pull_gen, change_id ...}); not a push batch, whose position guard
         * reads the same row ({@code SELECT pull_gen || ':' || change_id ...}).
         */
        boolean isPositionRead() {
            return path.contains("pipeline") && body.contains("SELECT pull_gen, change_id") && !isPushBatch();
        }

        /** A push batch (it moves the position). */
        boolean isPushBatch() {
            return path.contains("pipeline") && body.contains("ON CONFLICT(client_id)");
        }
    }

    /** Where a request stops until released. */
    enum Stall {
        /** Forward everything. */
        NONE,
        /** Hold the request before the server sees it. */
        BEFORE_REQUEST,
        /** Forward the request, read the server's whole answer (the work is done), hold it from the client. */
        AFTER_RESPONSE,
        /**
         * Forward the request, read the whole answer, send its first {@code bytes} and hold the rest (a lagging reader
         * of a page stream makes tursodb wait, so the server is not made to wait here).
         */
        AFTER_BYTES
    }

    /** What to do with one request. */
    record Rule(Stall stall, long bytes) {
        static Rule pass() {
            return new Rule(Stall.NONE, 0);
        }

        static Rule holdRequest() {
            return new Rule(Stall.BEFORE_REQUEST, 0);
        }

        static Rule holdResponse() {
            return new Rule(Stall.AFTER_RESPONSE, 0);
        }

        static Rule holdAfter(long bytes) {
            return new Rule(Stall.AFTER_BYTES, bytes);
        }
    }

    private final ServerSocket listener;
    private final URI upstream;
    private final AtomicInteger requests = new AtomicInteger();
    private final Semaphore stalls = new Semaphore(0);
    private volatile Function<Request, Rule> plan = request -> Rule.pass();
    private final AtomicInteger forwarded = new AtomicInteger();
    private final AtomicInteger finished = new AtomicInteger();
    private volatile Release gate = new Release();

    /** One release of the stalled requests; {@code drop} closes requests held before the server instead. */
    private static final class Release {
        final CountDownLatch latch = new CountDownLatch(1);
        volatile boolean drop;
    }

    StallingProxy(String upstreamUrl) throws IOException {
        this.upstream = URI.create(upstreamUrl);
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        LoopbackHttp.acceptEach(listener, "stalling-proxy", this::handle);
    }

    String url() {
        return "http://127.0.0.1:" + listener.getLocalPort();
    }

    /** Sets the plan; request numbers count from 1 from now on; stalls not yet awaited are forgotten. */
    void plan(Function<Request, Rule> plan) {
        requests.set(0);
        stalls.drainPermits();
        this.plan = plan;
    }

    /** Waits until a request stalls; false if none did in time. */
    boolean awaitStall(Duration timeout) throws InterruptedException {
        return stalls.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Lets every stalled request go on (to a client that may have left); later stalls hold again. */
    void release() {
        Release open = gate;
        gate = new Release();
        open.latch.countDown();
    }

    /** Closes the requests held before the server without forwarding them; releases the other stalls. */
    void dropStalled() {
        Release open = gate;
        gate = new Release();
        open.drop = true;
        open.latch.countDown();
    }

    /** How many requests the proxy is done with (answered, dropped, or their client gone). */
    int finished() {
        return finished.get();
    }

    /** How many requests reached the server so far. */
    int forwarded() {
        return forwarded.get();
    }

    private void handle(Socket client) {
        try (client) {
            LoopbackHttp.Request request = LoopbackHttp.readRequest(client.getInputStream());
            if (request == null) {
                return;
            }
            Rule rule = plan.apply(new Request(requests.incrementAndGet(), request.path(),
                    new String(request.body(), StandardCharsets.UTF_8)));
            if (rule.stall() == Stall.BEFORE_REQUEST && hold()) {
                return;
            }
            try (Socket server = new Socket(upstream.getHost(), upstream.getPort())) {
                server.getOutputStream().write(request.bytes());
                server.getOutputStream().flush();
                forwarded.incrementAndGet();
                InputStream in = server.getInputStream();
                OutputStream out = client.getOutputStream();
                if (rule.stall() == Stall.AFTER_RESPONSE) {
                    byte[] answer = closingHead(in);
                    byte[] body = in.readAllBytes();
                    hold();
                    out.write(answer);
                    out.write(body);
                    out.flush();
                    return;
                }
                byte[] head = closingHead(in);
                if (rule.stall() == Stall.AFTER_BYTES) {
                    // the whole answer is read first: while the proxy left a page stream unread, tursodb made other
                    // requests wait
                    ByteArrayOutputStream whole = new ByteArrayOutputStream();
                    whole.write(head);
                    in.transferTo(whole);
                    byte[] answer = whole.toByteArray();
                    int first = (int) Math.min(rule.bytes(), answer.length);
                    out.write(answer, 0, first);
                    out.flush();
                    if (first < answer.length) {
                        hold();
                        out.write(answer, first, answer.length - first);
                    }
                    out.flush();
                    return;
                }
                out.write(head);
                in.transferTo(out);
                out.flush();
            }
        } catch (IOException ignored) {
            // the client left (it cancelled): nothing to answer
        } finally {
            finished.incrementAndGet();
        }
    }

    /** Waits for the release; true if the request is to be dropped. */
    private boolean hold() {
        Release waitFor = gate;
        stalls.release();
        try {
            if (!waitFor.latch.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("a stalled request was never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return waitFor.drop;
    }

    /** The server's status line and headers, with {@code Connection: close} in place of its own. */
    private static byte[] closingHead(InputStream in) throws IOException {
        String head = LoopbackHttp.readHead(in);
        if (head == null) {
            throw new IOException("the server closed without answering");
        }
        StringBuilder rewritten = new StringBuilder();
        for (String line : head.split("\r\n")) {
            if (!line.isEmpty() && !line.toLowerCase(Locale.ROOT).startsWith("connection:")) {
                rewritten.append(line).append("\r\n");
            }
        }
        rewritten.append("Connection: close\r\n\r\n");
        return rewritten.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        release();
        listener.close();
    }
}
