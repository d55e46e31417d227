package dev.tursosync.internal.hrana;

import java.util.Objects;

/**
 * One step of a Hrana batch.
 *
 * @param condition when the step runs; {@code null} means always
 * @param statement the statement
 */
public record BatchStep(BatchCondition condition, HranaStatement statement) {

    /**
     * Validates.
     *
     * @param condition when the step runs; {@code null} means always
     * @param statement the statement
     */
    public BatchStep {
        Objects.requireNonNull(statement, "statement");
    }
}
