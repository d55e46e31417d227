package dev.tursosync.internal.hrana;

import java.util.List;
import java.util.Objects;

/**
 * One request of a {@code /v2/pipeline} call.
 */
public sealed interface PipelineRequest {

    /**
     * Executes a single statement.
     *
     * @param statement the statement
     */
    record Execute(HranaStatement statement) implements PipelineRequest {
        /**
         * Validates.
         *
         * @param statement the statement
         */
        public Execute {
            Objects.requireNonNull(statement, "statement");
        }
    }

    /**
     * Executes a batch of conditional steps.
     *
     * @param steps the steps, in order
     */
    record Batch(List<BatchStep> steps) implements PipelineRequest {
        /**
         * Copies the list.
         *
         * @param steps the steps, in order
         */
        public Batch {
            steps = List.copyOf(steps);
        }
    }
}
