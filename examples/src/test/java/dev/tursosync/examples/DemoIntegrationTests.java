package dev.tursosync.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tursosync.testing.CloudGateway;
import dev.tursosync.testing.LocalSyncServer;
import dev.tursosync.testing.RevisionStyle;
import dev.tursosync.testing.TursoServerExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The README's demo end to end, in its own JVM as the demo command runs it: once starting its own local sync server,
 * once with a remote named by {@code TURSO_URL} (the extension's server plays that remote).
 */
@ExtendWith(TursoServerExtension.class)
final class DemoIntegrationTests {

    private static final List<String> WHAT_B_SEES = List.of(
            "B received: INSERT into demo_notes {id=1, body=buy milk}",
            "B received: INSERT into demo_notes {id=2, body=call Ada}",
            "B received: INSERT into demo_notes {id=3, body=ship the sync client}",
            "B received: DELETE from demo_notes {id=1, body=buy milk}",
            "B received: UPDATE of demo_notes {id=2, body=call Ada} -> {id=2, body=called Ada}",
            "B's demo_notes now reads: [called Ada, ship the sync client]",
            "Done.");
    private static final Pattern STOPPED = Pattern.compile("Stopped the local sync server \\(pid (\\d+)\\)");

    @Test
    void startsALocalServerSyncsTwoReplicasAndStopsTheServer() throws Exception {
        String output = runDemo(Map.of());

        assertThat(output).contains("No TURSO_URL set: starting a local tursodb --sync-server")
                .contains("B received: RESET of demo_notes")
                .containsSubsequence(WHAT_B_SEES);
        Matcher stopped = STOPPED.matcher(output);
        assertThat(stopped.find()).as("the demo reports the server it stopped").isTrue();
        assertThat(ProcessHandle.of(Long.parseLong(stopped.group(1))).filter(ProcessHandle::isAlive))
                .as("the server process is gone").isEmpty();
    }

    @Test
    void usesTheRemoteNamedByTursoUrlAndCanRunAgainOnIt(LocalSyncServer server) throws Exception {
        Map<String, String> remote = Map.of("TURSO_URL", server.url(), "TURSO_AUTH_TOKEN", "a-token");

        String first = runDemo(remote);
        String second = runDemo(remote);

        assertThat(first).contains("Using the remote database at " + server.url())
                .doesNotContain("local tursodb")
                .containsSubsequence(WHAT_B_SEES);
        assertThat(second).as("a second run empties what the first one left")
                .contains("B received: DELETE from demo_notes {id=3, body=ship the sync client}")
                .containsSubsequence(WHAT_B_SEES);
    }

    @Test
    void runsAgainstACloudLikeGatewayOverTlsWithATokenAndALibsqlUrl(LocalSyncServer server) throws Exception {
        try (CloudGateway gateway = CloudGateway.builder(server.port()).revisions(RevisionStyle.JSON_OBJECT).start()) {
            String output = runDemo(Map.of("TURSO_URL", gateway.libsqlUrl(),
                    "TURSO_AUTH_TOKEN", gateway.token(CloudGateway.Access.READ_WRITE),
                    "TURSO_TRUST_CERTIFICATES", gateway.certificate().toString()));

            assertThat(output).contains("Using the remote database at " + gateway.libsqlUrl())
                    .containsSubsequence(WHAT_B_SEES);
            assertThat(gateway.counts().unauthorized()).isZero();
            assertThat(gateway.counts().requests()).isPositive();
        }
    }

    /** Runs {@link Demo} in a new JVM without {@code TURSO_*} variables but the given ones; returns its output. */
    private static String runDemo(Map<String, String> environment) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"), Demo.class.getName())
                .redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("TURSO_"));
        builder.environment().putAll(environment);
        Process demo = builder.start();
        demo.getOutputStream().close();
        String output = new String(demo.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(demo.waitFor(2, TimeUnit.MINUTES)).as("the demo ends").isTrue();
        System.out.print(output);
        assertThat(demo.exitValue()).as("exit code; output:%n%s", output).isZero();
        return output;
    }
}
