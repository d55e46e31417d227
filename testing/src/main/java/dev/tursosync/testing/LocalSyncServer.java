package dev.tursosync.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real {@code tursodb --sync-server} running as a child process on a free loopback port.
 *
 * <p>The database is {@code <dataDirectory>/remote.db}; the server's output is appended to
 * {@code <dataDirectory>/tursodb.log}. {@link #close()} stops the process, and a JVM shutdown hook
 * does the same if the JVM exits first.
 *
 * <pre>{@code
 * try (LocalSyncServer server = LocalSyncServer.start()) {
 *     String url = server.url(); // http://127.0.0.1:<port>
 * }
 * }</pre>
 */
public final class LocalSyncServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalSyncServer.class);
    private static final String HOST = "127.0.0.1";
    private static final String DATABASE_FILE = "remote.db";
    private static final String LOG_FILE = "tursodb.log";
    private static final int START_ATTEMPTS = 3;
    private static final int LOG_LINES_IN_ERRORS = 20;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);

    private final Path binary;
    private final Path dataDirectory;
    private final boolean ownsDataDirectory;
    private final List<String> extraArguments;
    private final Thread shutdownHook;
    private volatile Process process;
    private volatile int port;
    private boolean closed;

    private LocalSyncServer(Path binary, Path dataDirectory, boolean ownsDataDirectory, List<String> extraArguments) {
        this.binary = binary;
        this.dataDirectory = dataDirectory;
        this.ownsDataDirectory = ownsDataDirectory;
        this.extraArguments = List.copyOf(extraArguments);
        this.shutdownHook = new Thread(this::stopOnShutdown, "tursodb-shutdown-" + dataDirectory.getFileName());
    }

    /**
     * Starts a server of the default version on a new temporary data directory, deleted on {@link #close()}.
     *
     * @return the running server
     * @throws TursodbUnavailableException if {@code tursodb} cannot be installed or started
     */
    public static LocalSyncServer start() {
        return builder().start();
    }

    /**
     * Starts a server of the default version on the given data directory, which is kept on {@link #close()}.
     *
     * @param dataDirectory where {@code remote.db} and {@code tursodb.log} live; created if missing
     * @return the running server
     * @throws TursodbUnavailableException if {@code tursodb} cannot be installed or started
     */
    public static LocalSyncServer start(Path dataDirectory) {
        return builder().dataDirectory(dataDirectory).start();
    }

    /**
     * Returns a builder for a server with a chosen version or data directory.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the base URL of the server, {@code http://127.0.0.1:<port>}.
     *
     * @return the base URL, without a trailing slash
     */
    public String url() {
        return "http://" + HOST + ":" + port;
    }

    /**
     * Returns the loopback address the server listens on.
     *
     * @return {@code 127.0.0.1}
     */
    public String host() {
        return HOST;
    }

    /**
     * Returns the port the server listens on; it may change on {@link #restart()}.
     *
     * @return the TCP port
     */
    public int port() {
        return port;
    }

    /**
     * Returns the server's database file.
     *
     * @return {@code <dataDirectory>/remote.db}
     */
    public Path databasePath() {
        return dataDirectory.resolve(DATABASE_FILE);
    }

    /**
     * Returns the directory holding the database and the server log.
     *
     * @return the data directory
     */
    public Path dataDirectory() {
        return dataDirectory;
    }

    /**
     * Returns the process id of the current (or, after {@link #close()}, the last) server process.
     *
     * @return the PID
     */
    public long pid() {
        return process.pid();
    }

    /**
     * Tells whether the server process is running.
     *
     * @return {@code true} while the process is alive
     */
    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Stops the server and starts it again on the same data directory, on the same port when it is
     * still free, else on a new one.
     *
     * @throws IllegalStateException if the server was closed
     * @throws TursodbUnavailableException if it cannot be started again
     */
    public synchronized void restart() {
        if (closed) {
            throw new IllegalStateException("server on " + dataDirectory + " is closed");
        }
        stop(process);
        launch(port);
        LOG.info("tursodb sync server restarted on port {} with pid {}", port, pid());
    }

    /**
     * Stops the server process and keeps its data and port, for an outage test: clients see connection refused until
     * {@link #resume()}. Does nothing if it is already stopped.
     *
     * @throws IllegalStateException if the server was closed
     */
    public synchronized void stop() {
        if (closed) {
            throw new IllegalStateException("server on " + dataDirectory + " is closed");
        }
        if (process.isAlive()) {
            stop(process);
            LOG.info("tursodb sync server with pid {} stopped; data kept in {}", process.pid(), dataDirectory);
        }
    }

    /**
     * Starts the server again after {@link #stop()}, on the same data and the same port (so clients keep their URL);
     * on a new port only if another process took it meanwhile. Does nothing if it is running.
     *
     * @throws IllegalStateException if the server was closed
     * @throws TursodbUnavailableException if it cannot be started again
     */
    public synchronized void resume() {
        if (closed) {
            throw new IllegalStateException("server on " + dataDirectory + " is closed");
        }
        if (!process.isAlive()) {
            launch(port);
            LOG.info("tursodb sync server resumed on port {} with pid {}", port, pid());
        }
    }

    /**
     * Stops the server process (SIGTERM, then SIGKILL after 5 s) and deletes the data directory if
     * {@link #start()} created it. Calling it again does nothing.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        Process current = process;
        if (current != null) {
            stop(current);
            LOG.info("tursodb sync server with pid {} stopped", current.pid());
        }
        removeShutdownHook();
        if (ownsDataDirectory) {
            Directories.deleteQuietly(dataDirectory);
        }
    }

    private void launch(int preferredPort) {
        int candidate = preferredPort;
        for (int attempt = 1; ; attempt++) {
            int tryPort = candidate > 0 ? candidate : freeLoopbackPort();
            candidate = 0;
            long logOffset = LogTail.sizeOf(logFile());
            Process started = spawn(tryPort);
            process = started;
            ReadinessProbe.Outcome outcome = awaitReady(started, tryPort);
            if (outcome == ReadinessProbe.Outcome.READY) {
                port = tryPort;
                return;
            }
            stop(started);
            boolean portTaken = outcome == ReadinessProbe.Outcome.EXITED && portWasTaken(logOffset);
            if (!portTaken || attempt == START_ATTEMPTS) {
                throw startFailure(started, tryPort, outcome, logOffset);
            }
            LOG.debug("port {} was taken before tursodb could bind it; retrying on another port", tryPort);
        }
    }

    private Process spawn(int tryPort) {
        List<String> command = new ArrayList<>(List.of(binary.toString(), databasePath().toString(),
                "--sync-server", HOST + ":" + tryPort));
        command.addAll(extraArguments);
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dataDirectory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()));
        // Keep error messages short in the log: no backtrace for ordinary errors (panics keep theirs).
        builder.environment().put("RUST_LIB_BACKTRACE", "0");
        try {
            Process started = builder.start();
            started.getOutputStream().close();
            return started;
        } catch (IOException e) {
            throw new TursodbUnavailableException("cannot run " + binary + ": " + e.getMessage(), e);
        }
    }

    private ReadinessProbe.Outcome awaitReady(Process started, int tryPort) {
        try {
            return ReadinessProbe.await(started, "http://" + HOST + ":" + tryPort, READY_TIMEOUT);
        } catch (InterruptedException e) {
            stop(started);
            Thread.currentThread().interrupt();
            throw new TursodbUnavailableException("interrupted while waiting for tursodb to start", e);
        }
    }

    private boolean portWasTaken(long logOffset) {
        return LogTail.textSince(logFile(), logOffset).toLowerCase(Locale.ROOT).contains("address already in use");
    }

    private TursodbUnavailableException startFailure(Process started, int tryPort, ReadinessProbe.Outcome outcome,
            long logOffset) {
        String what = outcome == ReadinessProbe.Outcome.EXITED
                ? "exited with code " + started.exitValue() + " before answering HTTP"
                : "did not answer HTTP within " + READY_TIMEOUT.toSeconds() + " s";
        return new TursodbUnavailableException("tursodb --sync-server on " + HOST + ":" + tryPort + " " + what
                + "; last lines of " + logFile() + ":\n" + LogTail.lastLines(logFile(), logOffset, LOG_LINES_IN_ERRORS));
    }

    private Path logFile() {
        return dataDirectory.resolve(LOG_FILE);
    }

    private void stopOnShutdown() {
        Process current = process;
        if (current != null) {
            stop(current);
        }
        if (ownsDataDirectory) {
            Directories.deleteQuietly(dataDirectory);
        }
    }

    private void removeShutdownHook() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shutdownInProgress) {
            // the hook is running or about to run; it finds the process already stopped
        }
    }

    private static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static int freeLoopbackPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free loopback port", e);
        }
    }

    /** Chooses the version and data directory of a {@link LocalSyncServer}, then starts it. */
    public static final class Builder {

        private String version;
        private Path dataDirectory;
        private final List<String> extraArguments = new ArrayList<>();

        private Builder() {
        }

        /**
         * Sets the {@code tursodb} version to install and run; defaults to
         * {@link TursodbInstaller#defaultVersion()}.
         *
         * @param version an npm version such as {@code 0.7.0}
         * @return this builder
         */
        public Builder version(String version) {
            this.version = version;
            return this;
        }

        /**
         * Sets the data directory, which is kept on close; by default a temporary directory is
         * created and deleted on close.
         *
         * @param dataDirectory where {@code remote.db} and {@code tursodb.log} live; created if missing
         * @return this builder
         */
        public Builder dataDirectory(Path dataDirectory) {
            this.dataDirectory = dataDirectory;
            return this;
        }

        /**
         * Adds command-line flags for {@code tursodb}, after {@code --sync-server}; for example
         * {@code --experimental-without-rowid}, which the server needs to accept {@code WITHOUT ROWID} tables.
         *
         * @param flags the flags, each one argument
         * @return this builder
         */
        public Builder flags(String... flags) {
            extraArguments.addAll(List.of(flags));
            return this;
        }

        /**
         * Installs {@code tursodb} if needed and starts the server.
         *
         * @return the running server
         * @throws TursodbUnavailableException if {@code tursodb} cannot be installed or started
         */
        public LocalSyncServer start() {
            Path binary = TursodbInstaller.ensureInstalled(version != null ? version : TursodbInstaller.defaultVersion());
            boolean temporary = dataDirectory == null;
            Path directory = temporary ? createTemporaryDirectory() : createDirectory(dataDirectory);
            LocalSyncServer server = new LocalSyncServer(binary, directory, temporary, extraArguments);
            Runtime.getRuntime().addShutdownHook(server.shutdownHook);
            try {
                server.launch(0);
            } catch (RuntimeException e) {
                server.close();
                throw e;
            }
            LOG.info("tursodb sync server started on port {} with pid {} (data in {})",
                    server.port, server.pid(), directory);
            return server;
        }

        private static Path createTemporaryDirectory() {
            try {
                return Files.createTempDirectory("tursosync-server-");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a temporary data directory", e);
            }
        }

        private static Path createDirectory(Path directory) {
            try {
                return Files.createDirectories(directory);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create data directory " + directory, e);
            }
        }
    }
}
