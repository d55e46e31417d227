package dev.tursosync.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TursoServerExtension.class)
class LocalSyncServerIntegrationTests {

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    @Test
    void answersPipelineSelect(LocalSyncServer server) throws Exception {
        HttpResponse<String> response = pipeline(server, "select 1");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        assertThat(response.body()).contains("\"integer\"").contains("\"1\"");
    }

    @Test
    void closeStopsTheProcessAndFreesThePort() throws Exception {
        LocalSyncServer server = LocalSyncServer.start();
        long pid = server.pid();
        int port = server.port();
        assertThat(server.isAlive()).isTrue();
        assertThat(server.url()).isEqualTo("http://127.0.0.1:" + port);

        server.close();
        server.close();

        assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
        assertThat(server.isAlive()).isFalse();
        assertThat(server.dataDirectory()).doesNotExist();
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertThat(socket.getLocalPort()).isEqualTo(port);
        }
    }

    @Test
    void dataSurvivesRestart(LocalSyncServer server) throws Exception {
        assertThat(pipeline(server, "create table t(x)", "insert into t values (42)").statusCode()).isEqualTo(200);
        long pidBefore = server.pid();

        server.restart();

        assertThat(server.pid()).isNotEqualTo(pidBefore);
        assertThat(ProcessHandle.of(pidBefore).filter(ProcessHandle::isAlive)).isEmpty();
        HttpResponse<String> response = pipeline(server, "select x from t");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("{\"type\":\"integer\",\"value\":\"42\"}");
        assertThat(server.databasePath()).exists();
    }

    @Test
    void aStoppedServerRefusesConnectionsAndResumesOnItsDataAndPort() throws Exception {
        try (LocalSyncServer server = LocalSyncServer.start()) {
            assertThat(pipeline(server, "create table t(x)", "insert into t values (7)").statusCode()).isEqualTo(200);
            String url = server.url();
            long pidBefore = server.pid();

            server.stop();
            server.stop();

            assertThat(server.isAlive()).isFalse();
            assertThat(ProcessHandle.of(pidBefore).filter(ProcessHandle::isAlive)).isEmpty();
            assertThatThrownBy(() -> pipeline(server, "select 1")).isInstanceOf(ConnectException.class);

            server.resume();
            server.resume();

            assertThat(server.isAlive()).isTrue();
            assertThat(server.url()).as("same port").isEqualTo(url);
            assertThat(pipeline(server, "select x from t").body()).contains("{\"type\":\"integer\",\"value\":\"7\"}");
        }
    }

    private static HttpResponse<String> pipeline(LocalSyncServer server, String... statements)
            throws IOException, InterruptedException {
        String requests = Arrays.stream(statements)
                .map(sql -> "{\"type\":\"execute\",\"stmt\":{\"sql\":\"" + sql + "\"}}")
                .collect(Collectors.joining(","));
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.url() + "/v2/pipeline"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"baton\":null,\"requests\":[" + requests + "]}"))
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
