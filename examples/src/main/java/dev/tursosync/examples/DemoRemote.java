package dev.tursosync.examples;

import dev.tursosync.SyncClient;
import dev.tursosync.testing.LocalSyncServer;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The remote database the demo's replicas sync with: the one named by {@code TURSO_URL} (with
 * {@code TURSO_AUTH_TOKEN}, and {@code TURSO_TRUST_CERTIFICATES}: a PEM file to trust instead of the JDK's authorities),
 * or else a local {@code tursodb --sync-server} that it starts on a free loopback port and stops on {@link #close()}.
 */
final class DemoRemote implements AutoCloseable {

    private final String url;
    private final String authToken;
    private final Optional<Path> trustedCertificates;
    private final LocalSyncServer localServer;

    private DemoRemote(String url, String authToken, Optional<Path> trustedCertificates,
                       LocalSyncServer localServer) {
        this.url = url;
        this.authToken = authToken;
        this.trustedCertificates = trustedCertificates;
        this.localServer = localServer;
    }

    /** Uses {@code TURSO_URL} and {@code TURSO_AUTH_TOKEN} when set, else starts a local sync server. */
    static DemoRemote fromEnvironment() {
        String url = System.getenv("TURSO_URL");
        String token = System.getenv("TURSO_AUTH_TOKEN");
        if (url != null && !url.isBlank()) {
            Demo.say("Using the remote database at " + url + ".");
            String trusted = System.getenv("TURSO_TRUST_CERTIFICATES");
            return new DemoRemote(url, token == null || token.isBlank() ? null : token,
                    Optional.ofNullable(trusted).filter(file -> !file.isBlank()).map(Path::of), null);
        }
        Demo.say("No TURSO_URL set: starting a local tursodb --sync-server (installed from npm on first use)...");
        LocalSyncServer server = LocalSyncServer.start();
        Demo.say("  it listens on " + server.url() + " (pid " + server.pid() + ").");
        return new DemoRemote(server.url(), null, Optional.empty(), server);
    }

    /** A client (not yet opened) for a replica of this remote in the given file. */
    SyncClient replica(Path file, String clientName) {
        SyncClient.Builder builder = SyncClient.builder().path(file).url(url).clientName(clientName);
        if (authToken != null) {
            builder.authToken(authToken);
        }
        trustedCertificates.ifPresent(builder::trustCertificates);
        return builder.build();
    }

    /** Stops the local sync server, if this demo started one. */
    @Override
    public void close() {
        if (localServer != null) {
            long pid = localServer.pid();
            localServer.close();
            Demo.say("Stopped the local sync server (pid " + pid + ").");
        }
    }
}
