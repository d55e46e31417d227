package dev.tursosync.bench.fault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** One client of the official JS SDK ({@code @tursodatabase/sync}), kept open in a {@link JsPipe}. */
final class JsClient {

    private final JsPipe pipe;
    private final String id;

    private JsClient(JsPipe pipe, String id) {
        this.pipe = pipe;
        this.id = id;
    }

    /**
     * Connects a client (bootstraps it if the file is new).
     *
     * @param pipe the driver
     * @param id   its name in the driver
     * @param url  the remote
     * @param path its database file
     * @return the client
     */
    static JsClient open(JsPipe pipe, String id, String url, Path path) {
        pipe.call(JsPipe.request("open").put("id", id).put("url", url).put("path", path.toString()));
        return new JsClient(pipe, id);
    }

    /**
     * Runs one local statement with parameters (its own transaction).
     *
     * @param sql  the statement
     * @param args its parameters: strings and longs
     * @return the number of rows it changed
     */
    long run(String sql, Object... args) {
        ObjectNode request = JsPipe.request("run").put("id", id).put("sql", sql);
        ArrayNode values = request.putArray("args");
        for (Object arg : args) {
            if (arg instanceof Long number) {
                values.add(number);
            } else {
                values.add((String) arg);
            }
        }
        return pipe.call(request).path("changes").asLong();
    }

    void push() {
        pipe.call(JsPipe.request("push").put("id", id));
    }

    void pull() {
        pipe.call(JsPipe.request("pull").put("id", id));
    }

    /**
     * Runs a query whose only column is text.
     *
     * @param sql the query
     * @return the first column of each row
     */
    List<String> texts(String sql) {
        List<String> rows = new ArrayList<>();
        for (JsonNode row : pipe.call(JsPipe.request("query").put("id", id).put("sql", sql)).path("rows")) {
            rows.add(row.elements().next().asText());
        }
        return rows;
    }

    void close() {
        pipe.call(JsPipe.request("close").put("id", id));
    }
}
