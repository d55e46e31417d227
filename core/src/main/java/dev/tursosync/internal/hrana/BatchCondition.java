package dev.tursosync.internal.hrana;

import java.util.List;

/**
 * A condition that decides whether a step of a Hrana batch runs.
 */
public sealed interface BatchCondition {

    /**
     * True if the given step ran and succeeded.
     *
     * @param step the 0-based step index
     */
    record Ok(int step) implements BatchCondition {
    }

    /**
     * True if the given step ran and failed.
     *
     * @param step the 0-based step index
     */
    record Error(int step) implements BatchCondition {
    }

    /**
     * Negation.
     *
     * @param cond the negated condition
     */
    record Not(BatchCondition cond) implements BatchCondition {
    }

    /**
     * True if all conditions are true.
     *
     * @param conds the conditions
     */
    record And(List<BatchCondition> conds) implements BatchCondition {
        /**
         * Copies the list.
         *
         * @param conds the conditions
         */
        public And {
            conds = List.copyOf(conds);
        }
    }

    /**
     * True if any condition is true.
     *
     * @param conds the conditions
     */
    record Or(List<BatchCondition> conds) implements BatchCondition {
        /**
         * Copies the list.
         *
         * @param conds the conditions
         */
        public Or {
            conds = List.copyOf(conds);
        }
    }

    /** True if the connection is in autocommit mode (no transaction open). */
    enum IsAutocommit implements BatchCondition {
        /** The only instance. */
        INSTANCE
    }

    /**
     * Shorthand for {@code new Ok(step)}.
     *
     * @param step the step index
     * @return the condition
     */
    static BatchCondition ok(int step) {
        return new Ok(step);
    }

    /**
     * Shorthand for {@code new Error(step)}.
     *
     * @param step the step index
     * @return the condition
     */
    static BatchCondition error(int step) {
        return new Error(step);
    }

    /**
     * Shorthand for {@code new Not(cond)}.
     *
     * @param cond the condition to negate
     * @return the condition
     */
    static BatchCondition not(BatchCondition cond) {
        return new Not(cond);
    }

    /**
     * Shorthand for {@code new And(List.of(conds))}.
     *
     * @param conds the conditions
     * @return the condition
     */
    static BatchCondition and(BatchCondition... conds) {
        return new And(List.of(conds));
    }

    /**
     * Shorthand for {@code new Or(List.of(conds))}.
     *
     * @param conds the conditions
     * @return the condition
     */
    static BatchCondition or(BatchCondition... conds) {
        return new Or(List.of(conds));
    }

    /**
     * The autocommit test.
     *
     * @return the condition
     */
    static BatchCondition isAutocommit() {
        return IsAutocommit.INSTANCE;
    }
}
