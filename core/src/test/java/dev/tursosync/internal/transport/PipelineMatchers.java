package dev.tursosync.internal.transport;

import dev.tursosync.internal.hrana.BatchStep;
import dev.tursosync.internal.hrana.HranaValue;
import dev.tursosync.internal.hrana.PipelineRequest;
import dev.tursosync.internal.push.RemotePosition;
import java.util.List;
import java.util.Optional;

/**
 * The pipeline requests of a push, as a script expects them: the read of this client's push position and a push
 * batch (identified by its position guard and its bookkeeping upsert, which name where the batch starts and ends).
 */
public final class PipelineMatchers {

    private PipelineMatchers() {
    }

    /**
     * One batch reading this client's row of {@code turso_sync_last_change_id}.
     *
     * @return the matcher
     */
    public static ScriptedTransport.PipelineMatcher readsPushPosition() {
        return new ScriptedTransport.PipelineMatcher("reading the push position",
                requests -> onlyBatch(requests).map(batch -> batch.steps().size() == 1
                        && batch.steps().get(0).statement().sql().equals(RemotePosition.SELECT)).orElse(false));
    }

    /**
     * One push batch that expects the remote at a position and moves it to a change id.
     *
     * @param expected the position the batch's guard requires ({@code "generation:changeId"}), {@code null} for none
     * @param through  the last change id the batch pushes
     * @param changes  how many change statements the batch carries
     * @return the matcher
     */
    public static ScriptedTransport.PipelineMatcher pushBatch(String expected, long through, int changes) {
        return new ScriptedTransport.PipelineMatcher("a push batch from position " + expected + " through change "
                + through + " with " + changes + " change(s)",
                requests -> onlyBatch(requests).map(batch -> {
                    List<BatchStep> steps = batch.steps();
                    int guard = indexOf(steps, RemotePosition.GUARD);
                    int upsert = indexOf(steps, RemotePosition.UPSERT);
                    return guard > 0 && upsert > guard
                            && steps.get(guard).statement().args().get(1).equals(HranaValue.of(expected))
                            && steps.get(upsert).statement().args().get(2).equals(HranaValue.of(through))
                            && upsert - guard - 1 == changes;
                }).orElse(false));
    }

    private static Optional<PipelineRequest.Batch> onlyBatch(List<PipelineRequest> requests) {
        return requests.size() == 1 && requests.get(0) instanceof PipelineRequest.Batch batch
                ? Optional.of(batch) : Optional.empty();
    }

    private static int indexOf(List<BatchStep> steps, String sql) {
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i).statement().sql().equals(sql)) {
                return i;
            }
        }
        return -1;
    }
}
