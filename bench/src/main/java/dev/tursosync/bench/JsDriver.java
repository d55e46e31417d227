package dev.tursosync.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The official JS client, run by {@code js/driver.mjs} in one long-lived Node process. Requests and answers are JSON
 * lines over the child's stdin and stdout; durations come from the driver, measured around just the client call.
 * The driver's stderr goes to {@code <workDir>/js-driver.log}.
 */
public final class JsDriver implements SyncSide, AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Process process;
    private final BufferedWriter requests;
    private final BufferedReader answers;
    private final AtomicInteger replicaIds = new AtomicInteger();
    private final String versions;

    private JsDriver(Process process) {
        this.process = process;
        this.requests = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        this.answers = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        JsonNode version = call(request("version"));
        this.versions = "node " + version.path("node").asText() + ", @tursodatabase/sync " + version.path("sync").asText();
    }

    /**
     * Starts {@code node driver.mjs} in the given folder, whose {@code node_modules} must be installed.
     *
     * @param jsDirectory the folder holding {@code driver.mjs}
     * @param logFile     where the driver's stderr goes
     * @return the running driver
     */
    public static JsDriver start(Path jsDirectory, Path logFile) {
        try {
            Process process = new ProcessBuilder("node", "driver.mjs")
                    .directory(jsDirectory.toFile())
                    .redirectError(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
            try {
                return new JsDriver(process);
            } catch (RuntimeException e) {
                process.destroyForcibly();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start node " + jsDirectory.resolve("driver.mjs"), e);
        }
    }

    /**
     * The Node and client versions the driver reported.
     *
     * @return for example {@code node v20.20.2, @tursodatabase/sync 0.7.2}
     */
    public String versions() {
        return versions;
    }

    @Override
    public String name() {
        return "JS";
    }

    @Override
    public double bootstrap(String url, Path path) {
        return call(request("bootstrap").put("url", url).put("path", path.toString())).path("ms").asDouble();
    }

    @Override
    public boolean supportsPush() {
        return true;
    }

    @Override
    public Replica open(String url, Path path) {
        String id = "r" + replicaIds.incrementAndGet();
        call(request("open").put("id", id).put("url", url).put("path", path.toString()));
        return new JsReplica(id);
    }

    private ObjectNode request(String op) {
        return JSON.createObjectNode().put("op", op);
    }

    private synchronized JsonNode call(ObjectNode request) {
        try {
            requests.write(JSON.writeValueAsString(request));
            requests.newLine();
            requests.flush();
            String line = answers.readLine();
            if (line == null) {
                throw new IllegalStateException("the JS driver exited (see js-driver.log) during " + request);
            }
            JsonNode answer = JSON.readTree(line);
            if (!answer.path("ok").asBoolean()) {
                throw new IllegalStateException("JS driver failed " + request.path("op").asText() + ": "
                        + answer.path("error").asText());
            }
            return answer;
        } catch (IOException e) {
            throw new UncheckedIOException("JS driver pipe broke during " + request, e);
        }
    }

    /** Asks the driver to close its clients and exit; kills it if it does not within a few seconds. */
    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                call(request("quit"));
            }
        } catch (RuntimeException ignored) {
            // killed below
        }
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** One open JS client, kept in the driver process under an id. */
    public final class JsReplica implements Replica {

        private final String id;

        private JsReplica(String id) {
            this.id = id;
        }

        @Override
        public PullResult pull() {
            JsonNode answer = call(request("pull").put("id", id));
            return new PullResult(answer.path("ms").asDouble(), "changed=" + answer.path("changed").asBoolean());
        }

        @Override
        public void execLocal(String sql) {
            call(request("exec").put("id", id).put("sql", sql));
        }

        @Override
        public void insertLocalRows(String table, int rows, int bytes) {
            call(request("insertRows").put("id", id).put("table", table).put("rows", rows).put("bytes", bytes));
        }

        @Override
        public PushTiming push() {
            return new PushTiming(call(request("push").put("id", id)).path("ms").asDouble(), "", Double.NaN);
        }

        /**
         * Runs a query on the JS client's local database.
         *
         * @param sql the query; give every result column a distinct name
         * @return the rows, values in column order as JSON gives them (numbers, strings, null)
         */
        public List<List<Object>> query(String sql) {
            List<List<Object>> rows = new ArrayList<>();
            for (JsonNode row : call(request("query").put("id", id).put("sql", sql)).path("rows")) {
                List<Object> values = new ArrayList<>();
                row.elements().forEachRemaining(value -> values.add(value.isNull() ? null
                        : value.isNumber() ? value.numberValue() : value.asText()));
                rows.add(values);
            }
            return rows;
        }

        /**
         * Runs one local workload of the driver's {@code localWorkloads} on this client.
         *
         * @param kind       the workload, such as {@code insertTx}
         * @param parameters its parameters (table, rows, ...)
         * @return what the driver measured
         */
        Throughput local(String kind, java.util.Map<String, Object> parameters) {
            ObjectNode request = request("local").put("id", id).put("kind", kind);
            parameters.forEach((name, value) -> request.set(name, JSON.valueToTree(value)));
            JsonNode answer = call(request);
            return new Throughput(answer.path("ops").asLong(), answer.path("ms").asDouble(),
                    answer.path("p50").asDouble(), answer.path("p99").asDouble());
        }

        @Override
        public void close() {
            if (process.isAlive()) {
                call(request("close").put("id", id));
            }
        }
    }
}
