package dev.tursosync.internal.hrana;

import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The result of a batch: per step, either a result, an error, or neither when the step did not run.
 *
 * @param stepResults the result of each step, {@code null} where the step failed or did not run
 * @param stepErrors  the error of each step, {@code null} where the step succeeded or did not run
 */
public record BatchResult(List<StatementResult> stepResults, List<HranaError> stepErrors) {

    /**
     * Copies the lists, which may hold {@code null} entries.
     *
     * @param stepResults the result of each step, {@code null} where the step failed or did not run
     * @param stepErrors  the error of each step, {@code null} where the step succeeded or did not run
     */
    public BatchResult {
        stepResults = Collections.unmodifiableList(new java.util.ArrayList<>(stepResults));
        stepErrors = Collections.unmodifiableList(new java.util.ArrayList<>(stepErrors));
    }

    /**
     * The result of a step.
     *
     * @param step the step index
     * @return the result, empty if the step failed or did not run
     */
    public Optional<StatementResult> result(int step) {
        return step < stepResults.size() ? Optional.ofNullable(stepResults.get(step)) : Optional.empty();
    }

    /**
     * The error of a step.
     *
     * @param step the step index
     * @return the error, empty if the step succeeded or did not run
     */
    public Optional<HranaError> error(int step) {
        return step < stepErrors.size() ? Optional.ofNullable(stepErrors.get(step)) : Optional.empty();
    }

    /**
     * Whether a step ran (it has a result or an error).
     *
     * @param step the step index
     * @return {@code true} if the step ran
     */
    public boolean ran(int step) {
        return result(step).isPresent() || error(step).isPresent();
    }
}
