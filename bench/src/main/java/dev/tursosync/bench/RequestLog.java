package dev.tursosync.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tursosync.internal.proto.PullUpdatesReqProtoBody;
import dev.tursosync.internal.proto.PullUpdatesRespProtoBody;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every request two soak clients send to the one-threaded {@code tursodb}, as {@link RequestLogProxy} saw it: a
 * tab-separated file with one line per request, and a summary per soak window of the server's time by client and
 * kind. The server serves one connection at a time, so a request's server time starts when it connected or when the
 * request before it ended, whichever is later, and ends with the reply's first byte (the server builds a whole reply
 * before writing it); the time from there to the last byte is the transfer, which a client that reads slowly
 * stretches while the server waits in its write.
 */
final class RequestLog implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BOOKKEEPING = "turso_sync_last_change_id";

    private final PrintWriter out;
    private final long origin = System.nanoTime();
    private final List<Timed> window = new ArrayList<>();
    private long lastDone;
    private long failures;

    private RequestLog(PrintWriter out) {
        this.out = out;
        out.println("at_s\tclient\tkind\tdetail\trequest_bytes\treply_bytes\tqueued_ms\tserver_ms\ttransfer_ms"
                + "\ttotal_ms\tproxy_port");
    }

    /**
     * Opens a log that writes to a file.
     *
     * @param file the file, replaced
     * @return the log; {@link #close()} it
     */
    static RequestLog to(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            return new RequestLog(new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8), true));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What a request was, from its path and body (and for a pull, the start of its reply). */
    record Description(String kind, String detail) {
    }

    /**
     * One request, with {@link System#nanoTime()} marks.
     *
     * @param client       the client's name
     * @param description  what it was
     * @param requestBytes the request body's size
     * @param replyBytes   the reply's size, headers included
     * @param port         the proxy's port on its connection to the server
     * @param received     when the proxy had the whole request
     * @param connected    when the proxy's connection to the server was open
     * @param firstByte    when the reply's first byte came
     * @param done         when the last byte went to the client
     */
    record Entry(String client, Description description, long requestBytes, long replyBytes, int port,
                 long received, long connected, long firstByte, long done) {
    }

    /** An entry with the server's share of it. */
    private record Timed(Entry entry, long serverStart) {

        double serverMs() {
            return (entry.firstByte() - serverStart) / 1e6;
        }

        double transferMs() {
            return (entry.done() - entry.firstByte()) / 1e6;
        }
    }

    /**
     * Records a request that ended; the server served the one before it first.
     *
     * @param entry the request
     */
    synchronized void record(Entry entry) {
        long serverStart = Math.max(entry.connected(), lastDone);
        lastDone = Math.max(lastDone, entry.done());
        Timed timed = new Timed(entry, serverStart);
        window.add(timed);
        out.printf(Locale.ROOT, "%.3f\t%s\t%s\t%s\t%d\t%d\t%.1f\t%.1f\t%.1f\t%.1f\t%d%n",
                (entry.received() - origin) / 1e9, entry.client(), entry.description().kind(),
                entry.description().detail(), entry.requestBytes(), entry.replyBytes(),
                (serverStart - entry.connected()) / 1e6, timed.serverMs(), timed.transferMs(),
                (entry.done() - entry.received()) / 1e6, entry.port());
    }

    /**
     * Records a request the proxy could not relay.
     *
     * @param client the client's name
     * @param error  what went wrong
     */
    synchronized void failed(String client, Exception error) {
        failures++;
        out.printf(Locale.ROOT, "%.3f\t%s\tfailed\t%s%n", (System.nanoTime() - origin) / 1e9, client, error);
    }

    /**
     * Summarizes the requests recorded since the last call, by client and kind: how many, the server's time (sum
     * and largest) and the largest transfer.
     *
     * @return one line
     */
    synchronized String windowSummary() {
        Map<String, double[]> byKind = new TreeMap<>();
        for (Timed timed : window) {
            double[] figures = byKind.computeIfAbsent(timed.entry().client() + " " + timed.entry().description()
                    .kind(), key -> new double[4]);
            figures[0]++;
            figures[1] += timed.serverMs();
            figures[2] = Math.max(figures[2], timed.serverMs());
            figures[3] = Math.max(figures[3], timed.transferMs());
        }
        window.clear();
        StringBuilder line = new StringBuilder("    requests:");
        byKind.forEach((kind, figures) -> line.append(String.format(Locale.ROOT,
                " %s %d (server %.0f ms, max %.0f; transfer max %.0f);", kind, (long) figures[0], figures[1],
                figures[2], figures[3])));
        if (failures > 0) {
            line.append(" proxy failures so far ").append(failures);
        }
        return line.append(System.lineSeparator()).toString();
    }

    /**
     * Describes a request.
     *
     * @param path       the request's path
     * @param body       its body
     * @param replyStart the start of the reply, HTTP headers included
     * @return what it was
     */
    static Description describe(String path, byte[] body, byte[] replyStart) {
        try {
            return switch (path) {
                case "/pull-updates" -> pull(body, replyStart);
                case "/v2/pipeline" -> pipeline(body);
                default -> new Description("other", path);
            };
        } catch (IOException | RuntimeException e) {
            return new Description("undecoded", path + ": " + e);
        }
    }

    private static Description pull(byte[] body, byte[] replyStart) throws IOException {
        PullUpdatesReqProtoBody request = PullUpdatesReqProtoBody.parseFrom(body);
        String from = request.getClientRevision().isEmpty() ? "-" : request.getClientRevision();
        String to = serverRevision(replyStart);
        String gap = "";
        if (!request.getClientRevision().isEmpty() && to.chars().allMatch(Character::isDigit) && !to.isEmpty()) {
            gap = " (" + (Long.parseLong(to) - Long.parseLong(from)) + " frames)";
        }
        return new Description("pull", "revision " + from + " -> " + to + gap
                + (request.getLongPollTimeoutMs() > 0 ? " long poll " + request.getLongPollTimeoutMs() + " ms" : ""));
    }

    /** The server revision of a pull reply's header message, or {@code ?}. */
    private static String serverRevision(byte[] reply) throws IOException {
        int start = indexOfBlankLine(reply);
        if (start < 0) {
            return "?";
        }
        int position = start + 4;
        int length = 0;
        int shift = 0;
        while (position < reply.length) {
            int next = reply[position++];
            length |= (next & 0x7f) << shift;
            if ((next & 0x80) == 0) {
                break;
            }
            shift += 7;
        }
        if (position + length > reply.length) {
            return "?";
        }
        byte[] header = new byte[length];
        System.arraycopy(reply, position, header, 0, length);
        return PullUpdatesRespProtoBody.parseFrom(header).getServerRevision();
    }

    private static int indexOfBlankLine(byte[] bytes) {
        for (int i = 0; i + 3 < bytes.length; i++) {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n' && bytes[i + 2] == '\r' && bytes[i + 3] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static Description pipeline(byte[] body) throws IOException {
        JsonNode requests = JSON.readTree(body).path("requests");
        int statements = 0;
        boolean bookkeeping = false;
        String first = null;
        for (JsonNode request : requests) {
            List<JsonNode> stmts = new ArrayList<>();
            if (request.has("stmt")) {
                stmts.add(request.get("stmt"));
            }
            request.path("batch").path("steps").forEach(step -> stmts.add(step.path("stmt")));
            for (JsonNode stmt : stmts) {
                String sql = stmt.path("sql").asText();
                statements++;
                bookkeeping |= sql.contains(BOOKKEEPING);
                if (first == null) {
                    first = sql;
                }
            }
        }
        if (bookkeeping && statements > 3) {
            return new Description("push", statements + " statements");
        }
        if (bookkeeping) {
            return new Description("position", statements + " statements");
        }
        String sql = first == null ? "" : first.length() > 40 ? first.substring(0, 40) + "..." : first;
        return new Description("sql", statements + " statements: " + sql.replace('\t', ' ').replace('\n', ' '));
    }

    @Override
    public void close() {
        out.close();
    }
}
