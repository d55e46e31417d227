package dev.tursosync.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds or installs the {@code tursodb} binary of a pinned version.
 *
 * <p>The environment variable {@code TURSODB_BIN}, when set, names the binary to use and wins over
 * everything else. Otherwise the binary is taken from the cache folder
 * {@code ${TURSOSYNC_CACHE:-~/.cache/tursosync}/tursodb-<version>/}, installed there first with
 * {@code npm install @tursodatabase/cli-linux-x64-gnu@<version>} when missing. Installs are
 * serialized across threads and JVMs with a file lock in the cache folder and moved into place
 * atomically, so a half-finished install is never used.
 */
public final class TursodbInstaller {

    /** Environment variable naming a {@code tursodb} binary to use instead of installing one. */
    public static final String BINARY_ENV = "TURSODB_BIN";
    /** Environment variable naming the cache folder; defaults to {@code ~/.cache/tursosync}. */
    public static final String CACHE_ENV = "TURSOSYNC_CACHE";
    /** System property that overrides the default version. */
    public static final String VERSION_PROPERTY = "tursodb.version";

    private static final Logger LOG = LoggerFactory.getLogger(TursodbInstaller.class);
    private static final String NPM_PACKAGE = "@tursodatabase/cli-linux-x64-gnu";
    private static final String VERSION_RESOURCE = "tursodb.properties";
    private static final Pattern VALID_VERSION = Pattern.compile("[0-9A-Za-z.\\-]+");
    private static final Duration NPM_TIMEOUT = Duration.ofMinutes(10);

    private TursodbInstaller() {
    }

    /**
     * Returns the {@code tursodb} binary of the {@linkplain #defaultVersion() default version},
     * installing it first when needed.
     *
     * @return the path of an executable {@code tursodb}
     * @throws TursodbUnavailableException if it cannot be found or installed
     */
    public static Path ensureInstalled() {
        return ensureInstalled(defaultVersion());
    }

    /**
     * Returns the {@code tursodb} binary of the given version, installing it first when needed.
     *
     * @param version an npm version such as {@code 0.7.0}
     * @return the path of an executable {@code tursodb}
     * @throws IllegalArgumentException if {@code version} is not a plain version string
     * @throws TursodbUnavailableException if it cannot be found or installed
     */
    public static Path ensureInstalled(String version) {
        return ensureInstalled(version, System.getenv());
    }

    /**
     * Returns the version to install when none is given: the system property {@code tursodb.version}
     * if set, else the version this module was built with.
     *
     * @return the default {@code tursodb} version
     */
    public static String defaultVersion() {
        String override = System.getProperty(VERSION_PROPERTY);
        if (override != null && !override.isBlank()) {
            return override.strip();
        }
        Properties properties = new Properties();
        try (InputStream in = TursodbInstaller.class.getResourceAsStream(VERSION_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + VERSION_RESOURCE + " is missing");
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read resource " + VERSION_RESOURCE, e);
        }
        return properties.getProperty(VERSION_PROPERTY);
    }

    /** Like {@link #ensureInstalled(String)}, reading the environment from {@code env}. */
    static Path ensureInstalled(String version, Map<String, String> env) {
        validateVersion(version);
        String explicitBinary = env.get(BINARY_ENV);
        if (explicitBinary != null && !explicitBinary.isBlank()) {
            return explicitBinary(Path.of(explicitBinary));
        }
        Path cacheRoot = cacheRoot(env);
        Path installDir = cacheRoot.resolve("tursodb-" + version);
        Path binary = binaryIn(installDir);
        if (isExecutableFile(binary)) {
            return binary;
        }
        return installLocked(version, cacheRoot, installDir);
    }

    private static void validateVersion(String version) {
        if (version == null || !VALID_VERSION.matcher(version).matches()) {
            throw new IllegalArgumentException("invalid tursodb version '" + version
                    + "': expected letters, digits, dots and dashes only, such as 0.7.0");
        }
    }

    private static Path explicitBinary(Path binary) {
        if (!isExecutableFile(binary)) {
            throw new TursodbUnavailableException(BINARY_ENV + "=" + binary
                    + " does not name an executable file; fix or unset " + BINARY_ENV);
        }
        LOG.debug("using tursodb from {}: {}", BINARY_ENV, binary);
        return binary;
    }

    private static Path cacheRoot(Map<String, String> env) {
        String configured = env.get(CACHE_ENV);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        return Path.of(System.getProperty("user.home"), ".cache", "tursosync");
    }

    private static Path binaryIn(Path installDir) {
        return installDir.resolve("node_modules").resolve(NPM_PACKAGE).resolve("tursodb");
    }

    private static boolean isExecutableFile(Path path) {
        return Files.isRegularFile(path) && Files.isExecutable(path);
    }

    private static synchronized Path installLocked(String version, Path cacheRoot, Path installDir) {
        try {
            Files.createDirectories(cacheRoot);
            Path lockFile = cacheRoot.resolve("tursodb-" + version + ".lock");
            try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock lock = channel.lock()) {
                Path binary = binaryIn(installDir);
                if (isExecutableFile(binary)) {
                    return binary;
                }
                install(version, cacheRoot, installDir);
                return binary;
            }
        } catch (IOException | UncheckedIOException e) {
            throw new TursodbUnavailableException("cannot install tursodb " + version + " into " + installDir
                    + ": " + e.getMessage(), e);
        }
    }

    private static void install(String version, Path cacheRoot, Path installDir) throws IOException {
        requireLinuxX64();
        String tmpPrefix = ".tursodb-" + version + "-";
        deleteStaleInstalls(cacheRoot, tmpPrefix);
        Directories.deleteRecursively(installDir);
        Path tmp = Files.createTempDirectory(cacheRoot, tmpPrefix);
        try {
            String packageSpec = NPM_PACKAGE + "@" + version;
            LOG.info("installing {} with npm into {} (about 100 MB, first run only)", packageSpec, installDir);
            long startNanos = System.nanoTime();
            NpmInstall.run(tmp, packageSpec, tmp.resolve("npm-install.log"), NPM_TIMEOUT);
            Path binary = binaryIn(tmp);
            if (!isExecutableFile(binary)) {
                throw new TursodbUnavailableException("npm installed " + packageSpec + " but " + binary
                        + " is missing or not executable");
            }
            Files.move(tmp, installDir, StandardCopyOption.ATOMIC_MOVE);
            LOG.info("installed {} in {} ms", packageSpec, Duration.ofNanos(System.nanoTime() - startNanos).toMillis());
        } finally {
            Directories.deleteQuietly(tmp);
        }
    }

    private static void requireLinuxX64() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch");
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            throw new TursodbUnavailableException("tursodb is installed from " + NPM_PACKAGE
                    + ", which runs on Linux x64 only (this is " + os + "/" + arch + "); set "
                    + BINARY_ENV + " to a tursodb binary for this platform");
        }
    }

    /** Removes leftovers of installs that died; only the lock holder creates them, so all are stale. */
    private static void deleteStaleInstalls(Path cacheRoot, String tmpPrefix) throws IOException {
        try (DirectoryStream<Path> stale = Files.newDirectoryStream(cacheRoot, tmpPrefix + "*")) {
            for (Path dir : stale) {
                Directories.deleteRecursively(dir);
            }
        }
    }
}
