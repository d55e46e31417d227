package dev.tursosync.internal.hrana;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds a batch that commits all of its statements or none: {@code BEGIN IMMEDIATE}, each statement guarded by
 * {@code ok} of the step before it, {@code COMMIT}, and a {@code ROLLBACK} that runs when the commit did not. A
 * failing statement therefore skips the rest and leaves no transaction open on the server.
 */
public final class AtomicBatch {

    private AtomicBatch() {
    }

    /**
     * The batch for these statements.
     *
     * @param statements the statements, in order
     * @return the batch request
     */
    public static PipelineRequest.Batch of(List<HranaStatement> statements) {
        List<BatchStep> steps = new ArrayList<>(statements.size() + 3);
        steps.add(new BatchStep(null, HranaStatement.update("BEGIN IMMEDIATE")));
        for (HranaStatement statement : statements) {
            steps.add(new BatchStep(BatchCondition.ok(steps.size() - 1), statement));
        }
        steps.add(new BatchStep(BatchCondition.ok(steps.size() - 1), HranaStatement.update("COMMIT")));
        steps.add(new BatchStep(BatchCondition.not(BatchCondition.ok(steps.size() - 1)),
                HranaStatement.update("ROLLBACK")));
        return new PipelineRequest.Batch(steps);
    }

    /**
     * The first failed step of an atomic batch's result, other than the final {@code ROLLBACK}.
     *
     * @param batch  the batch that was sent
     * @param result its result
     * @return the index of the failed step, or -1 if everything committed
     */
    public static int firstFailedStep(PipelineRequest.Batch batch, BatchResult result) {
        for (int step = 0; step < batch.steps().size() - 1; step++) {
            if (result.error(step).isPresent()) {
                return step;
            }
        }
        return -1;
    }
}
