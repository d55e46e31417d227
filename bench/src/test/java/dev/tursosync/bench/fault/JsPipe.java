package dev.tursosync.bench.fault;

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
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code js/driver.mjs} in a Node process, with concurrent requests: each request carries a {@code rid}, the driver
 * answers it when it is done, and a reader thread hands each answer to the caller waiting for that {@code rid}. So
 * one thread can write locally on the JS client while another pushes or pulls.
 */
final class JsPipe implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(120);

    private final Process process;
    private final BufferedWriter requests;
    private final Map<Long, CompletableFuture<JsonNode>> waiting = new ConcurrentHashMap<>();
    private final AtomicLong rids = new AtomicLong();
    private final Thread reader;

    private JsPipe(Process process) {
        this.process = process;
        this.requests = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        this.reader = new Thread(this::readAnswers, "js-pipe-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts {@code node driver.mjs}; its {@code node_modules} must be installed.
     *
     * @param jsDirectory the folder of {@code driver.mjs}
     * @param logFile     where the driver's stderr goes
     * @return the running driver
     */
    static JsPipe start(Path jsDirectory, Path logFile) {
        try {
            return new JsPipe(new ProcessBuilder("node", "driver.mjs").directory(jsDirectory.toFile())
                    .redirectError(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start node " + jsDirectory.resolve("driver.mjs"), e);
        }
    }

    /**
     * A new request.
     *
     * @param op the operation
     * @return the request, to add fields to
     */
    static ObjectNode request(String op) {
        return JSON.createObjectNode().put("op", op);
    }

    /**
     * Sends a request and waits for its answer.
     *
     * @param request the request; a {@code rid} is added
     * @return the answer
     * @throws JsFailure if the driver answered with an error
     */
    JsonNode call(ObjectNode request) {
        long rid = rids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        waiting.put(rid, answer);
        String op = request.path("op").asText();
        try {
            send(request.put("rid", rid));
            JsonNode reply = answer.get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (!reply.path("ok").asBoolean()) {
                throw new JsFailure(op, reply.path("error").asText());
            }
            return reply;
        } catch (ExecutionException e) {
            throw new IllegalStateException("the JS driver stopped during " + op + " (see its log)", e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the JS driver did not answer " + op + " within " + CALL_TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the JS driver's " + op, e);
        } finally {
            waiting.remove(rid);
        }
    }

    private synchronized void send(ObjectNode request) {
        try {
            requests.write(JSON.writeValueAsString(request));
            requests.newLine();
            requests.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("the pipe to the JS driver broke", e);
        }
    }

    private void readAnswers() {
        try (BufferedReader answers = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = answers.readLine()) != null) {
                JsonNode answer = JSON.readTree(line);
                CompletableFuture<JsonNode> caller = waiting.get(answer.path("rid").asLong(-1));
                if (caller != null) {
                    caller.complete(answer);
                }
            }
        } catch (IOException e) {
            // the process ended; the waiting callers fail below
        }
        IllegalStateException exited = new IllegalStateException("the JS driver exited");
        waiting.values().forEach(caller -> caller.completeExceptionally(exited));
    }

    /** Asks the driver to close its clients and exit; kills it if it does not within a few seconds. */
    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                send(request("quit"));
            }
        } catch (UncheckedIOException ignored) {
            // killed below
        }
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            reader.join(5000);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
