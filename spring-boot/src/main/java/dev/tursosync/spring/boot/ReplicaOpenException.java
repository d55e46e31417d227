package dev.tursosync.spring.boot;

import java.nio.file.Path;

/**
 * The auto-configured replica could not be opened during startup (for a new replica: its first bootstrap failed).
 * The message names the replica and the root cause in one line; {@link ReplicaOpenFailureAnalyzer} turns it into
 * Boot's startup failure report.
 */
public class ReplicaOpenException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Path path;

    /**
     * Creates the exception.
     *
     * @param path   the replica's database file
     * @param remote the remote, without credentials
     * @param cause  why opening failed
     */
    public ReplicaOpenException(Path path, String remote, Throwable cause) {
        super("cannot open the replica " + path + " of " + remote + ": " + rootCause(cause), cause);
        this.path = path;
    }

    /**
     * The replica's database file.
     *
     * @return the path
     */
    public Path path() {
        return path;
    }

    private static String rootCause(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : ": " + message.lines().findFirst().orElse(""));
    }
}
