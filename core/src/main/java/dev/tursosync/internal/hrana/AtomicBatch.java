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
        return ofEntries(statements.stream().map(Entry::of).toList());
    }

    /**
     * A statement of an atomic batch, optionally guarded by probes: queries whose success or failure says whether
     * the database still needs the statement (for example whether a column to add is already there). A probe's step
     * may fail without failing the batch; the statement runs only when every probe says it is needed, and the batch
     * goes on either way.
     *
     * @param statement the statement
     * @param probes    the probes, possibly none
     */
    public record Entry(HranaStatement statement, List<Probe> probes) {

        /**
         * Copies the list.
         *
         * @param statement the statement
         * @param probes    the probes
         */
        public Entry {
            probes = List.copyOf(probes);
        }

        /**
         * An unguarded statement.
         *
         * @param statement the statement
         * @return the entry
         */
        public static Entry of(HranaStatement statement) {
            return new Entry(statement, List.of());
        }

        /**
         * How many batch steps the entry takes.
         *
         * @return one per probe, plus one
         */
        public int steps() {
            return probes.size() + 1;
        }
    }

    /**
     * A query that tells whether a statement is needed.
     *
     * @param query        the query
     * @param neededWhenOk whether success means "needed" (else failure does)
     */
    public record Probe(HranaStatement query, boolean neededWhenOk) {
    }

    /**
     * The batch for these entries: like {@link #of(List)}, with each probe as a step of its own before its
     * statement.
     *
     * @param entries the entries, in order
     * @return the batch request
     */
    public static PipelineRequest.Batch ofEntries(List<Entry> entries) {
        List<BatchStep> steps = new ArrayList<>(entries.size() * 2 + 3);
        steps.add(new BatchStep(null, HranaStatement.update("BEGIN IMMEDIATE")));
        BatchCondition previousOk = BatchCondition.ok(0);
        for (Entry entry : entries) {
            if (entry.probes().isEmpty()) {
                steps.add(new BatchStep(previousOk, entry.statement()));
                previousOk = BatchCondition.ok(steps.size() - 1);
                continue;
            }
            List<BatchCondition> needed = new ArrayList<>();
            List<BatchCondition> done = new ArrayList<>();
            for (Probe probe : entry.probes()) {
                int step = steps.size();
                steps.add(new BatchStep(previousOk, probe.query()));
                needed.add(probe.neededWhenOk() ? BatchCondition.ok(step) : BatchCondition.error(step));
                done.add(probe.neededWhenOk() ? BatchCondition.error(step) : BatchCondition.ok(step));
            }
            steps.add(new BatchStep(new BatchCondition.And(needed), entry.statement()));
            done.add(BatchCondition.ok(steps.size() - 1));
            previousOk = new BatchCondition.Or(done);
        }
        steps.add(new BatchStep(previousOk, HranaStatement.update("COMMIT")));
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

    /**
     * The first failed step of a batch built by {@link #ofEntries(List)}, probes left out (their failure is an
     * answer, not an error).
     *
     * @param batch   the batch that was sent
     * @param result  its result
     * @param entries the entries it was built from
     * @return the index of the failed step, or -1 if everything committed
     */
    public static int firstFailedStep(PipelineRequest.Batch batch, BatchResult result, List<Entry> entries) {
        java.util.Set<Integer> probes = new java.util.HashSet<>();
        int step = 1;
        for (Entry entry : entries) {
            for (int probe = 0; probe < entry.probes().size(); probe++) {
                probes.add(step + probe);
            }
            step += entry.steps();
        }
        for (int index = 0; index < batch.steps().size() - 1; index++) {
            if (!probes.contains(index) && result.error(index).isPresent()) {
                return index;
            }
        }
        return -1;
    }
}
