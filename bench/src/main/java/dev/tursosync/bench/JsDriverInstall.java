package dev.tursosync.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Makes sure {@code js/node_modules} holds the client version pinned in {@code js/package.json}, running
 * {@code npm install} (which follows the committed lock file) when it does not.
 */
public final class JsDriverInstall {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PACKAGE = "@tursodatabase/sync";

    private JsDriverInstall() {
    }

    /**
     * Installs the driver's dependencies unless the pinned version is already there. It uses {@code npm install}
     * (which follows the lock file): {@code npm ci} rejects the lock file because npm cannot resolve the client's
     * optional native packages for other platforms.
     *
     * @param jsDirectory the folder with {@code package.json} and {@code package-lock.json}
     * @param logFile     where npm's output goes
     */
    public static void ensureInstalled(Path jsDirectory, Path logFile) {
        String pinned = read(jsDirectory.resolve("package.json")).path("dependencies").path(PACKAGE).asText();
        Path installed = jsDirectory.resolve("node_modules").resolve(PACKAGE).resolve("package.json");
        if (Files.exists(installed) && pinned.equals(read(installed).path("version").asText())) {
            return;
        }
        System.out.println("installing " + PACKAGE + "@" + pinned + " with npm install in " + jsDirectory);
        try {
            Process npm = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--no-save")
                    .directory(jsDirectory.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
            if (!npm.waitFor(5, TimeUnit.MINUTES)) {
                npm.destroyForcibly();
                throw new IllegalStateException("npm install took more than 5 minutes; see " + logFile);
            }
            if (npm.exitValue() != 0) {
                throw new IllegalStateException("npm install failed with exit code " + npm.exitValue() + "; see " + logFile);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run npm (is Node.js with npm installed?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while installing the JS driver", e);
        }
    }

    private static com.fasterxml.jackson.databind.JsonNode read(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
