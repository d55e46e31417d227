package dev.tursosync.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tursosync.AutoSyncOptions;
import dev.tursosync.RetryOptions;
import dev.tursosync.SyncClient;
import dev.tursosync.testing.LocalSyncServer;
import dev.tursosync.testing.TursoServerExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;
import reactor.core.Disposables;

/**
 * A server that echoes the credentials: a proxy in front of the real server answers pulls and pushes with the auth
 * token and the encryption key in Hrana step errors, in HTTP error bodies (past the 512-byte cut too) and in
 * response headers. Under background sync ({@code autoSync}) and direct calls, no piece of either secret of 8
 * characters or more may appear in any exception (message, {@code toString()} or stack trace, causes included), in
 * {@code SyncStatus.error}, or in anything the client logs (slf4j-simple writes to {@code System.err}, which the test
 * captures; that the capture works is checked on the background sync's own WARN lines).
 */
@ExtendWith(TursoServerExtension.class)
final class SecretEchoIntegrationTests {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String TOKEN = "tok-Echo-9876543210fedcbaQWERTY";
    private static final String KEY = "S2V5LWVjaG8tMDEyMzQ1Njc4OWFiY2RlZmdoaWprbG0=";
    private static final String ECHO = " token " + TOKEN + " key " + KEY + " tail " + TOKEN.substring(2, 19)
            + " " + KEY.substring(5, 30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LocalSyncServer server;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private PrintStream originalErr;
    private RemoteSql remote;
    private RewritingProxy proxy;
    private SyncClient client;
    @TempDir
    Path dir;

    SecretEchoIntegrationTests(LocalSyncServer server) {
        this.server = server;
    }

    @BeforeEach
    void start() throws IOException {
        originalErr = System.err;
        System.setErr(new PrintStream(new Tee(originalErr, captured), true, StandardCharsets.UTF_8));
        remote = new RemoteSql(server.url());
        remote.transaction("CREATE TABLE IF NOT EXISTS echo (id INTEGER PRIMARY KEY, v TEXT)");
        proxy = new RewritingProxy(server.url());
        client = SyncClient.builder().path(dir.resolve("echo.db")).url(proxy.url()).authToken(TOKEN)
                .encryptionKey(KEY, "aes256gcm").clientName("echo").retry(RetryOptions.none()).build();
        client.open().block(WAIT);
    }

    @AfterEach
    void stop() throws IOException {
        try {
            client.close().block(WAIT);
            proxy.close();
            remote.close();
        } finally {
            System.setErr(originalErr);
        }
    }

    @Test
    void backgroundSyncNeverShowsTheSecrets() throws Exception {
        BlockingQueue<Throwable> errors = new LinkedBlockingQueue<>();
        List<Throwable> all = new ArrayList<>();
        Disposable statuses = client.status().subscribe(status -> status.error().ifPresent(errors::add));
        Disposable sync = Disposables.disposed();
        Boolean pushing = null;
        try {
            for (Echo echo : echoes()) {
                if (!Boolean.valueOf(echo.push()).equals(pushing)) {
                    // pull echoes under background pulls only, push echoes under background pushes only: with both,
                    // a pull makes way for a due push and its request is abandoned, and an echo that lands on such
                    // a request is never read (as happened in 2 of 8 runs)
                    sync.dispose();
                    pushing = echo.push();
                    sync = client.autoSync(AutoSyncOptions.builder().pushDebounce(Duration.ofMillis(20))
                            .pullInterval(Duration.ofMillis(50)).firstBackoff(Duration.ofMillis(20))
                            .maxBackoff(Duration.ofMillis(100)).pull(!pushing).push(pushing).build());
                }
                errors.clear();
                proxy.arm(echo.matches(), echo.rewrite());
                if (echo.push()) {
                    LocalSql.execute(client, "INSERT INTO echo (v) VALUES ('background')");
                }
                Throwable error;
                do {
                    // an error reported before the echo fired is a late one of the previous echo: checked too
                    error = errors.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
                    assertThat(error).as("a background error after %s", echo.name()).isNotNull();
                    all.add(error);
                } while (proxy.fired() == 0);
            }
        } finally {
            sync.dispose();
            statuses.dispose();
        }
        all.forEach(SecretEchoIntegrationTests::assertNoSecretIn);
        String log = captured.toString(StandardCharsets.UTF_8);
        assertThat(log).as("the captured log holds the background sync's warnings").contains("WARN")
                .contains("background");
        assertNoSecret("the log", log);
    }

    @Test
    void directCallsNeverShowTheSecrets() {
        for (Echo echo : echoes()) {
            proxy.arm(echo.matches(), echo.rewrite());
            Throwable error = echo.push()
                    ? catchThrowable(() -> {
                        LocalSql.execute(client, "INSERT INTO echo (v) VALUES ('direct')");
                        client.push().block(WAIT);
                    })
                    : catchThrowable(() -> client.pullChanges().collectList().block(WAIT));
            assertThat(proxy.fired()).as("%s fired", echo.name()).isEqualTo(1);
            assertThat(error).as("the error of %s", echo.name()).isNotNull();
            assertNoSecretIn(error);
            if (echo.inMessage()) {
                assertThat(String.valueOf(error.getMessage())).as("the echoed text of %s reaches the message, masked",
                        echo.name()).contains("***");
            }
            client.status().blockFirst(WAIT).error().ifPresent(SecretEchoIntegrationTests::assertNoSecretIn);
        }
        assertNoSecret("the log", captured.toString(StandardCharsets.UTF_8));
    }

    /** One echoing reply: which request it answers and how. */
    private record Echo(String name, boolean push, boolean inMessage, Predicate<RewritingProxy.Request> matches,
                        RewritingProxy.Rewrite rewrite) {
    }

    private static List<Echo> echoes() {
        Predicate<RewritingProxy.Request> pull = request -> request.path().endsWith("/pull-updates");
        Predicate<RewritingProxy.Request> batch = request -> request.text().contains("BEGIN IMMEDIATE");
        List<String> headers = List.of("Content-Type: text/plain", "WWW-Authenticate: Bearer realm=\"" + TOKEN
                + "\"", "X-Echo-Key: " + KEY, "X-Echo-Token: Bearer " + TOKEN);
        byte[] body = ("x".repeat(500) + ECHO).getBytes(StandardCharsets.UTF_8);
        return List.of(
                new Echo("pull 500 with the secrets in the body and headers", false, true, pull,
                        (path, request, reply) -> new RewritingProxy.Reply(500, headers, body).bytes()),
                new Echo("pull 401 with the secrets in the headers only", false, false, pull,
                        (path, request, reply) -> new RewritingProxy.Reply(401, headers, new byte[0]).bytes()),
                new Echo("pull 200 with the secrets in the headers and a garbage body", false, false, pull,
                        (path, request, reply) -> new RewritingProxy.Reply(200, headers, body).bytes()),
                new Echo("push 400 with the secrets in a JSON error and headers", true, true, batch,
                        (path, request, reply) -> new RewritingProxy.Reply(400, headers,
                                ("{\"message\":\"" + "y".repeat(480) + ECHO + "\"}")
                                        .getBytes(StandardCharsets.UTF_8)).bytes()),
                new Echo("push with the secrets in a Hrana step error", true, true, batch, (path, request, reply) -> {
                    ObjectNode root = (ObjectNode) JSON.readTree(reply.body());
                    ObjectNode result = (ObjectNode) root.get("results").get(0).path("response").path("result");
                    // BEGIN ran, the first statement failed, nothing ran after it but the closing ROLLBACK
                    ArrayNode steps = (ArrayNode) result.get("step_results");
                    ArrayNode stepErrors = (ArrayNode) result.get("step_errors");
                    for (int step = 1; step < steps.size() - 1; step++) {
                        steps.set(step, JsonNodeFactory.instance.nullNode());
                        stepErrors.set(step, JsonNodeFactory.instance.nullNode());
                    }
                    ObjectNode error = JsonNodeFactory.instance.objectNode();
                    error.put("message", "permission denied:" + ECHO);
                    error.put("code", "SQLITE_AUTH" + ECHO);
                    stepErrors.set(1, error);
                    return reply.withBody(JSON.writeValueAsBytes(root)).bytes();
                }),
                new Echo("push with the secrets as a pipeline error", true, true, batch, (path, request, reply) -> {
                    ObjectNode root = (ObjectNode) JSON.readTree(reply.body());
                    ObjectNode first = (ObjectNode) root.get("results").get(0);
                    first.removeAll();
                    first.put("type", "error");
                    first.putObject("error").put("message", "stream expired" + ECHO).put("code", ECHO);
                    return reply.withBody(JSON.writeValueAsBytes(root)).bytes();
                }));
    }

    private static void assertNoSecretIn(Throwable error) {
        StringWriter trace = new StringWriter();
        error.printStackTrace(new PrintWriter(trace));
        assertNoSecret("the stack trace of " + error.getClass().getSimpleName(), trace.toString());
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            assertNoSecret("a message", String.valueOf(cause.getMessage()));
            assertNoSecret("a toString()", String.valueOf(cause));
        }
    }

    /** No piece of the token or the key of 8 characters or more. */
    private static void assertNoSecret(String where, String text) {
        for (String secret : List.of(TOKEN, KEY)) {
            for (int i = 0; i + 8 <= secret.length(); i++) {
                assertThat(text).as(where).doesNotContain(secret.substring(i, i + 8));
            }
        }
    }

    /** Writes to two streams. */
    private static final class Tee extends OutputStream {
        private final OutputStream first;
        private final OutputStream second;

        Tee(OutputStream first, OutputStream second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public void write(int b) throws IOException {
            first.write(b);
            synchronized (second) {
                second.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            first.write(b, off, len);
            synchronized (second) {
                second.write(b, off, len);
            }
        }
    }
}
