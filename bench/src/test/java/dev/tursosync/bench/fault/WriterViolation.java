package dev.tursosync.bench.fault;

/**
 * A local write that did not find the writer's rows as the writer left them: an update or delete that changed no
 * row (a row lost) or an insert that hit an existing one (a row brought back). Only the writer changes its rows, so
 * this means the client changed them behind its back.
 */
final class WriterViolation extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the violation.
     *
     * @param message what the write found
     */
    WriterViolation(String message) {
        super(message);
    }
}
