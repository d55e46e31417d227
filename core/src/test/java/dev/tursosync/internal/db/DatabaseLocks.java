package dev.tursosync.internal.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What the operating system says about SQLite's locks on a database file: whether this process holds a POSIX lock
 * on it ({@code /proc/locks}), and what another process's connection does when it closes. Closing any handle on a
 * database file in a process drops every POSIX lock that process holds on it; another process's connection then
 * takes itself for the last one and checkpoints the WAL into the file and deletes it when it closes (sqlite-lab Q8).
 */
public final class DatabaseLocks {

    private static final Path PROC_LOCKS = Path.of("/proc/locks");

    private DatabaseLocks() {
    }

    /**
     * Whether the locks can be read here (Linux). In CI ({@code CI=true}) they must be: a check that cannot run there
     * fails instead of passing unnoticed.
     *
     * @return whether {@code /proc/locks} exists
     */
    public static boolean readable() {
        return requiredInCi(Files.isReadable(PROC_LOCKS), PROC_LOCKS + " is not readable");
    }

    private static boolean requiredInCi(boolean available, String missing) {
        if (!available && "true".equals(System.getenv("CI"))) {
            throw new AssertionError(missing + ", and CI=true runs every check (.ci/run installs what they need)");
        }
        return available;
    }

    /**
     * The POSIX locks this process holds on a file, as lines of {@code /proc/locks}.
     *
     * @param file the file
     * @return the lines
     * @throws IOException if the file or the locks cannot be read
     */
    public static List<String> heldByThisProcess(Path file) throws IOException {
        long inode = ((Number) Files.getAttribute(file, "unix:ino")).longValue();
        String pid = Long.toString(ProcessHandle.current().pid());
        return Files.readAllLines(PROC_LOCKS).stream()
                .filter(line -> {
                    String[] fields = line.trim().split("\\s+");
                    // "1: POSIX  ADVISORY  READ 1234 08:01:5678 1073741826 1073742335"
                    return fields.length >= 6 && fields[1].equals("POSIX") && fields[4].equals(pid)
                            && fields[5].endsWith(":" + inode);
                })
                .toList();
    }

    /**
     * Whether the {@code sqlite3} shell is on the path, for {@link #openAndCloseInAnotherProcess}. In CI
     * ({@code CI=true}) it must be.
     *
     * @return whether it runs
     */
    public static boolean shellAvailable() {
        return requiredInCi(shellRuns(), "the sqlite3 shell does not run");
    }

    private static boolean shellRuns() {
        try {
            Process process = new ProcessBuilder("sqlite3", "-version").redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            return process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Opens the database in the {@code sqlite3} shell, another process, reads its schema and closes it again, as any
     * other SQLite program would; returns once that process has ended. (A sqlite-jdbc connection in a child JVM did
     * not checkpoint on close in the same situation; the shell does, as in sqlite-lab Q8.)
     *
     * @param database the database file
     * @throws Exception if the process fails
     */
    public static void openAndCloseInAnotherProcess(Path database) throws Exception {
        Process process = new ProcessBuilder("sqlite3", database.toString(), "SELECT count(*) FROM sqlite_schema")
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
    }
}
