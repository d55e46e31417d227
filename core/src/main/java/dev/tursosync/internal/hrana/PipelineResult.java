package dev.tursosync.internal.hrana;

/**
 * The outcome of one pipeline request.
 */
public sealed interface PipelineResult {

    /**
     * An {@code execute} request succeeded.
     *
     * @param result the statement's result
     */
    record ExecuteOk(StatementResult result) implements PipelineResult {
    }

    /**
     * A {@code batch} request was processed (individual steps may still have failed).
     *
     * @param result the per-step outcome
     */
    record BatchOk(BatchResult result) implements PipelineResult {
    }

    /**
     * The request failed as a whole.
     *
     * @param error the error
     */
    record Failed(HranaError error) implements PipelineResult {
    }
}
