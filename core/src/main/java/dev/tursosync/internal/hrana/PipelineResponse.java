package dev.tursosync.internal.hrana;

import java.util.List;

/**
 * The reply to a {@code /v2/pipeline} call: one result per request, in order.
 *
 * @param results the results
 */
public record PipelineResponse(List<PipelineResult> results) {

    /**
     * Copies the list.
     *
     * @param results the results
     */
    public PipelineResponse {
        results = List.copyOf(results);
    }
}
