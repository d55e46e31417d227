package dev.tursosync.internal.transport;

import dev.tursosync.internal.hrana.PipelineRequest;
import dev.tursosync.internal.hrana.PipelineResponse;
import dev.tursosync.internal.proto.PullUpdatesReqProtoBody;
import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The two endpoints of the sync protocol. Each subscription sends one HTTP request; nothing is retried here, so the
 * caller decides what is safe to repeat.
 */
public interface SyncTransport {

    /**
     * Sends one {@code POST /v2/pipeline} call.
     *
     * @param requests the requests, in order
     * @return the reply; in-band SQL errors are part of it, while HTTP, protocol and network failures are signalled
     *         as {@link dev.tursosync.TursoSyncException} subtypes
     */
    Mono<PipelineResponse> pipeline(List<PipelineRequest> requests);

    /**
     * Sends one {@code POST /pull-updates} call and streams the reply as it arrives: first a {@link PullHeader},
     * then one {@link PulledPage} per page. The reply is decoded incrementally under backpressure and never held in
     * memory whole.
     *
     * @param request the request message
     * @return the frames
     */
    Flux<PullFrame> pullUpdates(PullUpdatesReqProtoBody request);

    /**
     * Byte counters of the request and reply bodies sent through this transport.
     *
     * @return the live counters
     */
    TransportStats stats();

    /**
     * Releases the connections.
     *
     * @return completes when they are closed
     */
    Mono<Void> close();
}
