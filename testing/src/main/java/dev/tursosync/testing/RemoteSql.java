package dev.tursosync.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Another client of the remote that has no replica: runs SQL straight on the server through Hrana over HTTP
 * ({@code POST /v2/pipeline}), as a second application, an admin console or a server-side job would. Tests and
 * benchmarks use it to seed a remote, to change it behind a replica's back, and to read what a push left there.
 *
 * <p>Every call is one HTTP request and one transaction; a failing statement fails the call with
 * {@link IllegalStateException} and commits nothing. Blocking: for tests and tools, never on an event loop.
 *
 * <pre>{@code
 * try (RemoteSql remote = new RemoteSql(server.url())) {
 *     remote.transaction("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)", "INSERT INTO t VALUES (1, 'a')");
 *     long rows = remote.queryLong("SELECT count(*) FROM t");
 * }
 * }</pre>
 */
public final class RemoteSql implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofMinutes(1);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI pipeline;
    private final String token;
    private final HttpClient http;

    /**
     * A client of a server without authentication, such as {@link LocalSyncServer#url()}.
     *
     * @param url the server's {@code http://} URL
     */
    public RemoteSql(String url) {
        this(url, null);
    }

    /**
     * A client of a server.
     *
     * @param url   the server's {@code http://} or {@code https://} URL (certificates checked against the JVM's
     *              trust store)
     * @param token a bearer token, or {@code null} or blank for none
     */
    public RemoteSql(String url, String token) {
        String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.pipeline = URI.create(base + "/v2/pipeline");
        this.token = token == null || token.isBlank() ? null : token;
        this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    }

    /**
     * Runs statements as one transaction: all commit, or none if one fails.
     *
     * @param statements SQL statements without parameters
     * @throws IllegalStateException if the server rejects the request or a statement fails
     */
    public void transaction(String... statements) {
        ArrayNode steps = JSON.createArrayNode();
        steps.add(step(statement("BEGIN", List.of()), -1, true));
        for (String sql : statements) {
            steps.add(step(statement(sql, List.of()), steps.size() - 1, true));
        }
        int commit = steps.size();
        steps.add(step(statement("COMMIT", List.of()), commit - 1, true));
        steps.add(step(statement("ROLLBACK", List.of()), commit, false));
        JsonNode result = batch(steps);
        for (int i = 0; i <= commit; i++) {
            JsonNode error = result.path("step_errors").path(i);
            if (!error.isMissingNode() && !error.isNull()) {
                String sql = i == 0 ? "BEGIN" : i == commit ? "COMMIT" : statements[i - 1];
                throw new IllegalStateException("remote statement failed: " + sql + ": "
                        + error.path("message").asText());
            }
        }
        if (result.path("step_results").path(commit).isNull()) {
            throw new IllegalStateException("the remote did not commit the transaction");
        }
    }

    /**
     * Runs one statement with positional parameters ({@code ?}), as its own transaction.
     *
     * @param sql  the statement
     * @param args its parameters: {@code null}, {@link Long}/{@link Integer}, {@link Double}, {@link String} or
     *             {@code byte[]}
     * @throws IllegalStateException if it fails
     */
    public void execute(String sql, Object... args) {
        // no count of changed rows: tursodb --sync-server answers affected_row_count 0 for every statement
        single(sql, Arrays.asList(args));
    }

    /**
     * Runs a query.
     *
     * @param sql the query
     * @return its rows, each a list of {@code null}, {@link Long}, {@link Double}, {@link String} or {@code byte[]}
     * @throws IllegalStateException if it fails
     */
    public List<List<Object>> query(String sql) {
        return rows(single(sql, List.of()));
    }

    /**
     * Runs queries one after the other in one request, so that no other client's write lands between them.
     *
     * @param queries the queries
     * @return the rows of each query, in order, as {@link #query(String)} gives them
     * @throws IllegalStateException if one fails
     */
    public List<List<List<Object>>> query(List<String> queries) {
        ArrayNode steps = JSON.createArrayNode();
        queries.forEach(sql -> steps.add(step(statement(sql, List.of()), -1, true)));
        JsonNode result = batch(steps);
        List<List<List<Object>>> results = new ArrayList<>();
        for (int i = 0; i < queries.size(); i++) {
            results.add(rows(stepResult(result, i, queries.get(i))));
        }
        return results;
    }

    /**
     * Runs a query whose first row's first column is an integer, such as {@code SELECT count(*) FROM t}.
     *
     * @param sql the query
     * @return the integer
     * @throws IllegalStateException if it fails or returns no integer
     */
    public long queryLong(String sql) {
        List<List<Object>> rows = query(sql);
        if (rows.isEmpty() || !(rows.get(0).get(0) instanceof Long value)) {
            throw new IllegalStateException("no integer from " + sql + ": " + rows);
        }
        return value;
    }

    /** Nothing to release: each call is its own request. Here so the class reads well in try-with-resources. */
    @Override
    public void close() {
    }

    private JsonNode single(String sql, List<Object> args) {
        return stepResult(batch(JSON.createArrayNode().add(step(statement(sql, args), -1, true))), 0, sql);
    }

    private static JsonNode stepResult(JsonNode batchResult, int step, String sql) {
        JsonNode error = batchResult.path("step_errors").path(step);
        if (!error.isMissingNode() && !error.isNull()) {
            throw new IllegalStateException("remote statement failed: " + sql + ": " + error.path("message").asText());
        }
        return batchResult.path("step_results").path(step);
    }

    private static List<List<Object>> rows(JsonNode statementResult) {
        List<List<Object>> rows = new ArrayList<>();
        for (JsonNode row : statementResult.path("rows")) {
            List<Object> values = new ArrayList<>();
            row.forEach(value -> values.add(fromHrana(value)));
            rows.add(values);
        }
        return rows;
    }

    private JsonNode batch(ArrayNode steps) {
        ObjectNode request = JSON.createObjectNode();
        request.putNull("baton");
        ObjectNode batch = request.putArray("requests").addObject().put("type", "batch");
        batch.putObject("batch").set("steps", steps);
        HttpRequest.Builder http = HttpRequest.newBuilder(pipeline).timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(request.toString()));
        if (token != null) {
            http.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = send(http.build());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("the remote answered HTTP " + response.statusCode() + ": "
                    + response.body());
        }
        JsonNode result = read(response.body()).path("results").path(0);
        if (!"ok".equals(result.path("type").asText())) {
            throw new IllegalStateException("the remote rejected the batch: " + result);
        }
        return result.path("response").path("result");
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static JsonNode read(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A batch step, run when the step {@code after} succeeded ({@code ok}) or failed (not {@code ok}). */
    private static ObjectNode step(ObjectNode statement, int after, boolean ok) {
        ObjectNode step = JSON.createObjectNode();
        if (after >= 0) {
            ObjectNode condition = JSON.createObjectNode().put("type", "ok").put("step", after);
            step.set("condition", ok ? condition : JSON.createObjectNode().put("type", "not")
                    .set("cond", condition));
        }
        step.set("stmt", statement);
        return step;
    }

    private static ObjectNode statement(String sql, List<Object> args) {
        ObjectNode statement = JSON.createObjectNode().put("sql", sql).put("want_rows", true);
        ArrayNode values = statement.putArray("args");
        args.forEach(arg -> values.add(toHrana(arg)));
        return statement;
    }

    private static ObjectNode toHrana(Object value) {
        ObjectNode node = JSON.createObjectNode();
        if (value == null) {
            return node.put("type", "null");
        } else if (value instanceof Long || value instanceof Integer || value instanceof Short) {
            return node.put("type", "integer").put("value", value.toString());
        } else if (value instanceof Double || value instanceof Float) {
            return node.put("type", "float").put("value", ((Number) value).doubleValue());
        } else if (value instanceof byte[] bytes) {
            return node.put("type", "blob").put("base64", Base64.getEncoder().withoutPadding()
                    .encodeToString(bytes));
        }
        return node.put("type", "text").put("value", value.toString());
    }

    private static Object fromHrana(JsonNode value) {
        return switch (value.path("type").asText()) {
            case "integer" -> Long.parseLong(value.path("value").asText());
            case "float" -> value.path("value").asDouble();
            case "text" -> value.path("value").asText();
            case "blob" -> Base64.getDecoder().decode(value.path("base64").asText());
            default -> null;
        };
    }
}
