package dev.tursosync.internal.transport;

import dev.tursosync.internal.hrana.PipelineRequest;
import dev.tursosync.internal.hrana.PipelineResponse;
import dev.tursosync.internal.proto.PullUpdatesReqProtoBody;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * A {@link SyncTransport} that plays a script: an ordered list of expected requests, each with its reply, in the
 * manner of r2dbc-postgresql's {@code TestClient}. Each subscription to {@link #pipeline(List)} or
 * {@link #pullUpdates(PullUpdatesReqProtoBody)} is one request, as on the real transport: it takes the next step of
 * the script, checks the request against it and plays its reply. A request the script does not expect at that point
 * fails with an {@link AssertionError} naming the request and the step expected, and is remembered for
 * {@link #verify()}, which also fails while steps remain unplayed.
 *
 * <pre>{@code
 * ScriptedTransport transport = ScriptedTransport.builder()
 *         .expectPull(null).thenRespond(remote.frames(null, "r1"))
 *         .expectPull("r1").thenFailAfter(remote.frames("r1", "r2"), 2, unavailable)
 *         .expectPipeline(PipelineMatchers.readsPushPosition()).thenAnswer(remote::execute)
 *         .build();
 * }</pre>
 *
 * <p>Replies: a complete one ({@code thenRespond}), an error before anything ({@code thenError}), the header and
 * some pages then an error ({@code thenFailAfter}), the header and some pages then nothing ever
 * ({@code thenStall}, for cancellation), and for the pipeline a reply computed from the request
 * ({@code thenAnswer}) or computed and then lost ({@code thenLoseReply}: the server ran it, the client sees an
 * error).
 */
public final class ScriptedTransport implements SyncTransport {

    private final Deque<Step> script;
    private final List<String> played = new ArrayList<>();
    private final List<Long> times = new ArrayList<>();
    private final List<String> unexpected = new ArrayList<>();
    private final TransportStats stats = new TransportStats();
    private volatile boolean closed;

    private ScriptedTransport(List<Step> steps) {
        this.script = new ArrayDeque<>(steps);
    }

    /**
     * Starts a script.
     *
     * @return an empty script
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Mono<PipelineResponse> pipeline(List<PipelineRequest> requests) {
        List<PipelineRequest> copy = List.copyOf(requests);
        return Mono.defer(() -> next(Kind.PIPELINE, copy, "pipeline " + copy).pipelineReply(copy));
    }

    @Override
    public Flux<PullFrame> pullUpdates(PullUpdatesReqProtoBody request) {
        return Flux.defer(() -> next(Kind.PULL, request, "pull from revision '" + request.getClientRevision()
                + "'").pullReply());
    }

    @Override
    public TransportStats stats() {
        return stats;
    }

    @Override
    public Mono<Void> close() {
        return Mono.fromRunnable(() -> closed = true);
    }

    /**
     * Whether the client closed this transport.
     *
     * @return {@code true} once closed
     */
    public boolean isClosed() {
        return closed;
    }

    /**
     * The requests played so far, as the script describes them.
     *
     * @return one line per request, in order
     */
    public synchronized List<String> played() {
        return List.copyOf(played);
    }

    /**
     * When each request played so far arrived, on the clock of Reactor's parallel scheduler (virtual under
     * {@code StepVerifier.withVirtualTime}).
     *
     * @return milliseconds, one per request, in order
     */
    public synchronized List<Long> times() {
        return List.copyOf(times);
    }

    /**
     * How many requests of a kind were played.
     *
     * @param pulls {@code true} to count pulls, {@code false} pipeline calls
     * @return the count
     */
    public synchronized long count(boolean pulls) {
        String prefix = pulls ? "pull" : "pipeline";
        return played.stream().filter(line -> line.startsWith(prefix)).count();
    }

    /**
     * Asserts that every step of the script was played and no request came that it did not expect.
     *
     * @throws AssertionError naming the unexpected requests and the steps left
     */
    public synchronized void verify() {
        if (!unexpected.isEmpty() || !script.isEmpty()) {
            throw new AssertionError("the script did not run as written; unexpected requests: " + unexpected
                    + "; steps never reached: " + script.stream().map(Step::describe).toList()
                    + "; played: " + played);
        }
    }

    private synchronized Step next(Kind kind, Object request, String description) {
        Step step = script.peekFirst();
        if (step == null || step.kind != kind || !step.matches(request)) {
            String message = "unexpected request " + description + " (request " + (played.size() + 1)
                    + "); the script expected " + (step == null ? "nothing more" : step.describe());
            unexpected.add(message);
            throw new AssertionError(message);
        }
        script.removeFirst();
        played.add(step.describe());
        times.add(Schedulers.parallel().now(TimeUnit.MILLISECONDS));
        return step;
    }

    private enum Kind { PULL, PIPELINE }

    /** One expected request and its reply. */
    private static final class Step {

        private final Kind kind;
        private final String expectation;
        private final Predicate<Object> matcher;
        private Function<List<PipelineRequest>, Mono<PipelineResponse>> pipelineReply;
        private Flux<PullFrame> pullReply;

        Step(Kind kind, String expectation, Predicate<Object> matcher) {
            this.kind = kind;
            this.expectation = expectation;
            this.matcher = matcher;
        }

        boolean matches(Object request) {
            return matcher.test(request);
        }

        String describe() {
            return (kind == Kind.PULL ? "pull " : "pipeline ") + expectation;
        }

        Mono<PipelineResponse> pipelineReply(List<PipelineRequest> requests) {
            return pipelineReply.apply(requests);
        }

        Flux<PullFrame> pullReply() {
            return pullReply;
        }
    }

    /** Builds a script. */
    public static final class Builder {

        private final List<Step> steps = new ArrayList<>();

        private Builder() {
        }

        /**
         * Expects a pull from a revision.
         *
         * @param fromRevision the client's revision, {@code null} for a bootstrap (no revision)
         * @return the reply's builder
         */
        public PullReply expectPull(String fromRevision) {
            String revision = fromRevision == null ? "" : fromRevision;
            Step step = new Step(Kind.PULL, fromRevision == null ? "of a full snapshot (no client revision)"
                    : "from revision '" + fromRevision + "'",
                    request -> ((PullUpdatesReqProtoBody) request).getClientRevision().equals(revision));
            steps.add(step);
            return new PullReply(this, step);
        }

        /**
         * Expects a pipeline call.
         *
         * @param matcher what the requests must be
         * @return the reply's builder
         */
        @SuppressWarnings("unchecked")
        public PipelineReply expectPipeline(PipelineMatcher matcher) {
            Step step = new Step(Kind.PIPELINE, matcher.description(),
                    requests -> matcher.test((List<PipelineRequest>) requests));
            steps.add(step);
            return new PipelineReply(this, step);
        }

        /**
         * The transport.
         *
         * @return a transport that plays the script
         */
        public ScriptedTransport build() {
            for (Step step : steps) {
                if (step.pullReply == null && step.pipelineReply == null) {
                    throw new IllegalStateException("no reply given for " + step.describe());
                }
            }
            return new ScriptedTransport(steps);
        }
    }

    /**
     * What a pipeline request must be.
     *
     * @param description how the script names it in failures
     * @param test        the check
     */
    public record PipelineMatcher(String description, Predicate<List<PipelineRequest>> test) {

        boolean test(List<PipelineRequest> requests) {
            return test.test(requests);
        }
    }

    /** The reply of an expected pull. */
    public static final class PullReply {

        private final Builder chain;
        private final Step step;

        private PullReply(Builder chain, Step step) {
            this.chain = chain;
            this.step = step;
        }

        /**
         * Sends the frames and completes.
         *
         * @param frames the header, then the pages
         * @return the script
         */
        public Builder thenRespond(List<PullFrame> frames) {
            return reply(Flux.fromIterable(frames));
        }

        /**
         * Fails before sending anything (a refused connection, an HTTP error status).
         *
         * @param error the error, as the real transport signals it
         * @return the script
         */
        public Builder thenError(Throwable error) {
            return reply(Flux.error(error));
        }

        /**
         * Sends the header and the first pages, then fails (a connection cut mid-reply).
         *
         * @param frames the whole reply
         * @param pages  how many pages are sent before the error
         * @param error  the error
         * @return the script
         */
        public Builder thenFailAfter(List<PullFrame> frames, int pages, Throwable error) {
            return reply(Flux.fromIterable(frames.subList(0, pages + 1)).concatWith(Flux.error(error)));
        }

        /**
         * Sends the header and the first pages, then throws the error from inside the reply's pipeline when the next
         * frame is due, rather than signalling it: Reactor rethrows a JVM-fatal error (an {@link OutOfMemoryError})
         * out of its operators, up the thread that requested the frame.
         *
         * @param frames the whole reply
         * @param pages  how many pages are sent before the error
         * @param error  the error thrown
         * @return the script
         */
        public Builder thenThrowAfter(List<PullFrame> frames, int pages, Error error) {
            return reply(Flux.defer(() -> {
                int[] sent = {0};
                return Flux.fromIterable(frames).map(frame -> {
                    if (sent[0]++ == pages + 1) {
                        throw error;
                    }
                    return frame;
                });
            }));
        }

        /**
         * Sends the header and the first pages, then nothing more, ever: the reply completes only by cancellation.
         *
         * @param frames the whole reply
         * @param pages  how many pages are sent
         * @param stall  the signals of the stalled reply
         * @return the script
         */
        public Builder thenStall(List<PullFrame> frames, int pages, Stall stall) {
            return reply(Flux.fromIterable(frames.subList(0, pages + 1))
                    .concatWith(Mono.fromRunnable(stall.reached::tryEmitEmpty))
                    .concatWith(Flux.never())
                    .doOnCancel(stall.cancelled::tryEmitEmpty));
        }

        private Builder reply(Flux<PullFrame> reply) {
            step.pullReply = reply;
            return chain;
        }
    }

    /** The reply of an expected pipeline call. */
    public static final class PipelineReply {

        private final Builder chain;
        private final Step step;

        private PipelineReply(Builder chain, Step step) {
            this.chain = chain;
            this.step = step;
        }

        /**
         * Answers with a fixed reply.
         *
         * @param response the reply
         * @return the script
         */
        public Builder thenRespond(PipelineResponse response) {
            Objects.requireNonNull(response, "response");
            return reply(requests -> Mono.just(response));
        }

        /**
         * Answers with a reply computed from the requests, for example by running them on a {@link SqliteRemote}.
         *
         * @param server computes the reply
         * @return the script
         */
        public Builder thenAnswer(Function<List<PipelineRequest>, PipelineResponse> server) {
            return reply(requests -> Mono.fromSupplier(() -> server.apply(requests)));
        }

        /**
         * Fails without the server doing anything.
         *
         * @param error the error, as the real transport signals it
         * @return the script
         */
        public Builder thenError(Throwable error) {
            return reply(requests -> Mono.error(error));
        }

        /**
         * The server runs the requests, but the reply is lost: the client sees the error.
         *
         * @param server runs the requests
         * @param error  what the client sees
         * @return the script
         */
        public Builder thenLoseReply(Function<List<PipelineRequest>, PipelineResponse> server, Throwable error) {
            return reply(requests -> Mono.fromRunnable(() -> server.apply(requests)).then(Mono.error(error)));
        }

        private Builder reply(Function<List<PipelineRequest>, Mono<PipelineResponse>> reply) {
            step.pipelineReply = reply;
            return chain;
        }
    }

    /** The signals of a reply that stalls: its frames were sent, and the client cancelled it. */
    public static final class Stall {

        private final Sinks.Empty<Void> reached = Sinks.empty();
        private final Sinks.Empty<Void> cancelled = Sinks.empty();

        /**
         * Completes once the stalled reply has sent all the frames it sends.
         *
         * @return the signal
         */
        public Mono<Void> reached() {
            return reached.asMono();
        }

        /**
         * Completes when the client cancels the stalled reply.
         *
         * @return the signal
         */
        public Mono<Void> cancelled() {
            return cancelled.asMono();
        }
    }
}
