package dev.tursosync.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs {@code npm install} of one package into a given prefix folder. */
final class NpmInstall {

    private static final int OUTPUT_LINES_IN_ERRORS = 20;

    private NpmInstall() {
    }

    /**
     * Installs {@code packageSpec} under {@code prefix/node_modules}, writing npm's output to {@code logFile}.
     *
     * @throws TursodbUnavailableException if npm is missing, fails, or runs longer than {@code timeout}
     */
    static void run(Path prefix, String packageSpec, Path logFile, Duration timeout) {
        List<String> command = List.of("npm", "install", "--prefix", prefix.toString(),
                "--no-save", "--no-audit", "--no-fund", "--loglevel=error", packageSpec);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(logFile.toFile());
        builder.environment().put("npm_config_update_notifier", "false");
        Process npm = start(builder);
        try {
            npm.getOutputStream().close();
            if (!npm.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(npm);
                throw new TursodbUnavailableException("npm install of " + packageSpec + " did not finish within "
                        + timeout + "; its output:\n" + LogTail.lastLines(logFile, OUTPUT_LINES_IN_ERRORS));
            }
        } catch (InterruptedException e) {
            kill(npm);
            Thread.currentThread().interrupt();
            throw new TursodbUnavailableException("interrupted while npm installed " + packageSpec, e);
        } catch (IOException e) {
            kill(npm);
            throw new TursodbUnavailableException("cannot talk to npm while installing " + packageSpec, e);
        }
        if (npm.exitValue() != 0) {
            throw new TursodbUnavailableException("npm install of " + packageSpec + " failed with exit code "
                    + npm.exitValue() + "; its output:\n" + LogTail.lastLines(logFile, OUTPUT_LINES_IN_ERRORS));
        }
    }

    private static Process start(ProcessBuilder builder) {
        try {
            return builder.start();
        } catch (IOException e) {
            throw new TursodbUnavailableException("npm not found on the PATH (" + e.getMessage()
                    + "); install Node.js with npm, or set TURSODB_BIN to a tursodb binary", e);
        }
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
