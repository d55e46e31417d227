package dev.tursosync.internal.push;

import dev.tursosync.ChangeOperation;
import dev.tursosync.Mutation;
import dev.tursosync.MutationResult;
import dev.tursosync.PushRejectedException;
import dev.tursosync.RemoteSqlException;
import dev.tursosync.SyncProtocolException;
import dev.tursosync.internal.capture.CapturedChange;
import dev.tursosync.internal.hrana.AtomicBatch;
import dev.tursosync.internal.hrana.BatchResult;
import dev.tursosync.internal.hrana.HranaError;
import dev.tursosync.internal.hrana.HranaStatement;
import dev.tursosync.internal.hrana.HranaValue;
import dev.tursosync.internal.hrana.StatementResult;
import dev.tursosync.internal.hrana.PipelineRequest;
import dev.tursosync.internal.hrana.PipelineResponse;
import dev.tursosync.internal.hrana.PipelineResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * One remote transaction of a push: {@code BEGIN IMMEDIATE}, the bookkeeping table, one statement per change
 * (through the transform hook), the bookkeeping upsert, {@code COMMIT} — each step guarded by the success of the one
 * before, and a {@code ROLLBACK} when the commit did not run. The remote therefore has all of it or none of it.
 */
public final class PushBatch {

    private final PipelineRequest.Batch request;
    private final List<AtomicBatch.Entry> entries;
    private final List<CapturedChange> owners;
    private final long lastChangeId;
    private final int changeCount;

    private PushBatch(PipelineRequest.Batch request, List<AtomicBatch.Entry> entries, List<CapturedChange> owners,
                      long lastChangeId, int changeCount) {
        this.request = request;
        this.entries = entries;
        this.owners = owners;
        this.lastChangeId = lastChangeId;
        this.changeCount = changeCount;
    }

    /** The batch step of the position guard: after the BEGIN and the CREATE TABLE. */
    private static final int GUARD_STEP = 2;

    /**
     * Builds the batch for whole local transactions of changes.
     *
     * @param changes        the changes, in id order, not empty
     * @param keys           the primary keys of their tables
     * @param transform      the transform hook
     * @param clientId       this client's id
     * @param pullGeneration this client's pull generation
     * @param expected       the position the remote must hold for the batch to apply, {@code null} for none
     * @return the batch
     */
    public static PushBatch of(List<CapturedChange> changes, TableKeys keys,
                               Function<Mutation, MutationResult> transform, String clientId, long pullGeneration,
                               RemotePosition expected) {
        List<AtomicBatch.Entry> entries = new ArrayList<>();
        List<CapturedChange> owners = new ArrayList<>();
        owners.add(null);
        entries.add(AtomicBatch.Entry.of(HranaStatement.update(RemotePosition.CREATE_TABLE)));
        owners.add(null);
        entries.add(AtomicBatch.Entry.of(RemotePosition.guard(clientId, expected)));
        owners.add(null);
        for (CapturedChange change : changes) {
            for (AtomicBatch.Entry entry : ReplayStatements.transformed(change, keys, transform)) {
                entries.add(entry);
                for (int step = 0; step < entry.steps(); step++) {
                    owners.add(change);
                }
            }
        }
        long last = changes.get(changes.size() - 1).id();
        entries.add(AtomicBatch.Entry.of(HranaStatement.update(RemotePosition.UPSERT, clientId, pullGeneration,
                last)));
        owners.add(null);
        return new PushBatch(AtomicBatch.ofEntries(entries), List.copyOf(entries), owners, last, changes.size());
    }

    /**
     * Checks that the answer is one an atomic batch can have: at most a result or an error per step; before the
     * failed step (or up to the {@code COMMIT} when none failed) a result for every step, an outcome for every probe,
     * and for a statement guarded by probes a result or nothing (it was not needed); nothing after the failed step;
     * the guard answered with 1. Anything else is a protocol error, and the batch counts as not pushed (the next
     * push reads the remote position again).
     */
    private void checkConsistent(BatchResult batch, int failedStep) {
        int steps = request.steps().size();
        int commit = steps - 2;
        if (batch.stepResults().size() > steps || batch.stepErrors().size() > steps) {
            throw inconsistent("more step outcomes than the " + steps + " steps sent");
        }
        java.util.Set<Integer> probes = new java.util.HashSet<>();
        java.util.Set<Integer> guarded = new java.util.HashSet<>();
        int first = 1;
        for (AtomicBatch.Entry entry : entries) {
            for (int probe = 0; probe < entry.probes().size(); probe++) {
                probes.add(first + probe);
            }
            if (!entry.probes().isEmpty()) {
                guarded.add(first + entry.probes().size());
            }
            first += entry.steps();
        }
        int last = failedStep < 0 ? commit : failedStep;
        for (int step = 0; step <= commit; step++) {
            boolean result = batch.result(step).isPresent();
            boolean error = batch.error(step).isPresent();
            if (result && error) {
                throw inconsistent("step " + step + " has both a result and an error");
            }
            boolean answered = probes.contains(step) ? result || error : result || guarded.contains(step);
            if (step < last && !answered) {
                throw inconsistent("step " + step + " has no outcome although later steps ran");
            }
            if (step == last && failedStep < 0 && !result) {
                throw inconsistent("the COMMIT has no result");
            }
            if (step > last && (result || error)) {
                throw inconsistent("step " + step + " ran after step " + failedStep + " failed");
            }
        }
        if (failedStep < 0 && batch.ran(steps - 1)) {
            throw inconsistent("the ROLLBACK ran although the COMMIT succeeded");
        }
        if (last > GUARD_STEP && !isOne(batch.result(GUARD_STEP).orElseThrow())) {
            throw inconsistent("the position guard did not answer 1");
        }
    }

    private static boolean isOne(StatementResult result) {
        return result.rows().size() == 1 && result.rows().get(0).size() == 1
                && result.rows().get(0).get(0) instanceof HranaValue.IntegerValue value && value.value() == 1;
    }

    private static SyncProtocolException inconsistent(String what) {
        return new SyncProtocolException("the remote's answer to a push batch contradicts itself: " + what
                + "; the batch counts as not pushed");
    }

    /**
     * The hook's view of a captured row change.
     *
     * @param change a row change
     * @return the mutation
     */
    public static Mutation mutation(CapturedChange change) {
        ChangeOperation operation = switch (change.operation()) {
            case INSERT -> ChangeOperation.INSERT;
            case UPDATE -> ChangeOperation.UPDATE;
            case DELETE -> ChangeOperation.DELETE;
            case SCHEMA -> throw new IllegalArgumentException("schema changes are not mutations");
        };
        return new Mutation(change.table(), operation, change.rowid(), change.before(), change.after(),
                Instant.ofEpochSecond(change.time()));
    }

    /**
     * The request to send.
     *
     * @return the pipeline batch
     */
    public PipelineRequest.Batch request() {
        return request;
    }

    /**
     * The id of the last change this batch covers.
     *
     * @return the id
     */
    public long lastChangeId() {
        return lastChangeId;
    }

    /**
     * How many local changes the batch covers (skipped ones included).
     *
     * @return the count
     */
    public int changeCount() {
        return changeCount;
    }

    /**
     * Checks the remote's answer.
     *
     * @param response the response to this batch
     * @throws PushRejectedException if a change's statement failed
     * @throws RemoteSqlException    if another step failed
     */
    public void verify(PipelineResponse response) {
        if (response.results().size() != 1) {
            throw new SyncProtocolException("the remote answered " + response.results().size()
                    + " results to one push batch");
        }
        PipelineResult result = response.results().get(0);
        if (result instanceof PipelineResult.Failed failed) {
            throw new RemoteSqlException("push batch", failed.error().message(), failed.error().code());
        }
        if (!(result instanceof PipelineResult.BatchOk ok)) {
            throw new SyncProtocolException("the remote answered a batch with another kind of result");
        }
        BatchResult batch = ok.result();
        int failedStep = AtomicBatch.firstFailedStep(request, batch, entries);
        checkConsistent(batch, failedStep);
        if (failedStep < 0) {
            return;
        }
        HranaError error = batch.error(failedStep).orElseThrow();
        if (failedStep == GUARD_STEP) {
            throw new PositionMovedException("push batch: the remote position of this client moved since the push "
                    + "started (a push that was given up reached the server late); nothing of this batch was "
                    + "committed, push again", error.message(), error.code());
        }
        CapturedChange owner = failedStep < owners.size() ? owners.get(failedStep) : null;
        if (owner != null) {
            throw new PushRejectedException(owner.id(), owner.table(), owner.operation().name(), error.message(),
                    error.code());
        }
        throw new RemoteSqlException("push batch step " + failedStep + " ("
                + request.steps().get(failedStep).statement().sql() + ")", error.message(), error.code());
    }
}
