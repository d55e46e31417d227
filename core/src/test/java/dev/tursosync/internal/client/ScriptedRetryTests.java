package dev.tursosync.internal.client;

import static dev.tursosync.internal.client.ScriptedClients.WAIT;
import static dev.tursosync.internal.client.ScriptedClients.queryLong;
import static dev.tursosync.internal.client.ScriptedClients.write;
import static java.time.Duration.ofMillis;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tursosync.ChangeOperation;
import dev.tursosync.PushRejectedException;
import dev.tursosync.PushResult;
import dev.tursosync.RetryOptions;
import dev.tursosync.SyncAuthenticationException;
import dev.tursosync.SyncProtocolException;
import dev.tursosync.SyncServerException;
import dev.tursosync.SyncState;
import dev.tursosync.SyncStatus;
import dev.tursosync.SyncTransportException;
import dev.tursosync.TursoSyncException;
import dev.tursosync.internal.hrana.PipelineRequest;
import dev.tursosync.internal.transport.PipelineMatchers;
import dev.tursosync.internal.transport.PullFrame;
import dev.tursosync.internal.transport.ScriptedTransport;
import dev.tursosync.internal.transport.SqliteRemote;
import dev.tursosync.internal.transport.TransportFailures;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.Disposable;
import reactor.test.StepVerifier;

/**
 * The retry of pulls and pushes on a scripted transport and virtual time: which failures are retried (as the Reactor
 * Netty transport signals them), after which delays, how many requests each attempt sends, and that a push whose
 * reply was lost is not sent twice.
 */
final class ScriptedRetryTests {

    private static final RetryOptions RETRY = RetryOptions.builder().maxRetries(3).firstBackoff(ofMillis(100))
            .maxBackoff(ofMillis(300)).jitter(0).build();
    private static final String PULL = "/pull-updates";
    private static final String PIPELINE = "/v2/pipeline";

    @TempDir
    Path folder;

    private SqliteRemote remote;
    private String first;
    private String second;
    private DefaultSyncClient client;
    private final List<SyncStatus> statuses = new CopyOnWriteArrayList<>();
    private Disposable watching;

    @BeforeEach
    void remote() {
        remote = SqliteRemote.create(folder.resolve("remote.db"),
                "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT NOT NULL)",
                "CREATE TABLE log(message TEXT)",
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300) "
                        + "INSERT INTO t SELECT i, printf('old-%060d', i) FROM n");
        first = remote.commitRevision();
        remote.run("UPDATE t SET v = printf('new-%060d', id) WHERE id % 30 = 0");
        second = remote.commitRevision();
    }

    @AfterEach
    void close() {
        if (watching != null) {
            watching.dispose();
        }
        if (client != null) {
            client.close().block(WAIT);
        }
    }

    /** Opens a client whose script starts with the bootstrap at the first revision (on real time). */
    private ScriptedTransport open(Function<ScriptedTransport.Builder, ScriptedTransport.Builder> rest) {
        return open(1000, rest);
    }

    private ScriptedTransport open(int pushBatchSize,
                                   Function<ScriptedTransport.Builder, ScriptedTransport.Builder> rest) {
        ScriptedTransport transport = rest.apply(ScriptedTransport.builder()
                .expectPull(null).thenRespond(remote.frames(null, first))).build();
        client = ScriptedClients.client(transport, folder.resolve("app.db"),
                builder -> builder.retry(RETRY).pushBatchSize(pushBatchSize));
        client.open().block(WAIT);
        watching = client.status().subscribe(statuses::add);
        return transport;
    }

    /** The virtual times of the requests after the bootstrap, from the first of them. */
    private static List<Long> retryTimes(ScriptedTransport transport) {
        List<Long> times = transport.times().subList(1, transport.times().size());
        return times.stream().map(time -> time - times.get(0)).toList();
    }

    private List<String> backoffCauses() {
        return statuses.stream().filter(status -> status.state() == SyncState.BACKING_OFF)
                .map(status -> status.error().orElseThrow().getClass().getSimpleName()).toList();
    }

    @Test
    void transientPullFailuresAreRetriedAfterDoublingDelaysAndThePullAppliesOnce() {
        List<PullFrame> reply = remote.frames(first, second);
        ScriptedTransport transport = open(script -> script
                .expectPull(first).thenError(TransportFailures.status(PULL, 503))
                .expectPull(first).thenFailAfter(reply, 2, TransportFailures.connectionReset(PULL))
                .expectPull(first).thenRespond(reply));
        RetryClock clock = new RetryClock();

        StepVerifier.withVirtualTime(() -> client.pullChanges().collectList(), () -> clock, Long.MAX_VALUE)
                .expectSubscription()
                .then(() -> assertThat(clock.nextDelay()).isEqualTo(ofMillis(100)))
                .thenAwait(ofMillis(100))
                .then(() -> assertThat(clock.nextDelay()).isEqualTo(ofMillis(200)))
                .thenAwait(ofMillis(200))
                .assertNext(events -> assertThat(events).hasSize(10)
                        .allSatisfy(event -> assertThat(event.operation()).isEqualTo(ChangeOperation.UPDATE)))
                .expectComplete()
                .verify(WAIT);

        transport.verify();
        assertThat(retryTimes(transport)).containsExactly(0L, 100L, 300L);
        assertThat(clock.untaken()).isEmpty();
        assertThat(backoffCauses()).containsExactly("SyncServerException", "SyncTransportException");
        assertThat(client.status().blockFirst(WAIT).error()).as("cleared by the success").isEmpty();
        assertThat(client.stats().block(WAIT).revision()).isEqualTo(second);
    }

    @Test
    void aPullThatFailsBeyondTheRetryBudgetEndsWithTheLastErrorAndTheNextPullWorks() {
        List<PullFrame> reply = remote.frames(first, second);
        ScriptedTransport transport = open(script -> script
                .expectPull(first).thenError(TransportFailures.status(PULL, 503))
                .expectPull(first).thenError(TransportFailures.status(PULL, 502))
                .expectPull(first).thenError(TransportFailures.status(PULL, 504))
                .expectPull(first).thenError(TransportFailures.connectionReset(PULL))
                .expectPull(first).thenRespond(reply));
        RetryClock clock = new RetryClock();

        StepVerifier.withVirtualTime(() -> client.pullChanges().collectList(), () -> clock, Long.MAX_VALUE)
                .expectSubscription()
                .then(() -> assertThat(clock.nextDelay()).isEqualTo(ofMillis(100)))
                .thenAwait(ofMillis(100))
                .then(() -> assertThat(clock.nextDelay()).isEqualTo(ofMillis(200)))
                .thenAwait(ofMillis(200))
                .then(() -> assertThat(clock.nextDelay()).isEqualTo(ofMillis(300)))
                .thenAwait(ofMillis(300))
                .expectError(SyncTransportException.class)
                .verify(WAIT);

        assertThat(retryTimes(transport)).containsExactly(0L, 100L, 300L, 600L);
        assertThat(clock.untaken()).isEmpty();
        assertThat(client.pullChanges().collectList().block(WAIT)).hasSize(10);
        transport.verify();
    }

    static List<Arguments> permanentFailures() {
        return List.of(
                Arguments.of("401", TransportFailures.status(PULL, 401), SyncAuthenticationException.class),
                Arguments.of("403", TransportFailures.status(PULL, 403), SyncAuthenticationException.class),
                Arguments.of("500", TransportFailures.status(PULL, 500), SyncServerException.class),
                Arguments.of("a malformed stream", new SyncProtocolException("the page stream is cut inside a "
                        + "length prefix"), SyncProtocolException.class));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("permanentFailures")
    void aPermanentPullFailureIsNotRetried(String name, TursoSyncException failure, Class<?> type) {
        ScriptedTransport transport = open(script -> script.expectPull(first).thenError(failure));
        RetryClock clock = new RetryClock();

        StepVerifier.withVirtualTime(() -> client.pullChanges().collectList(), () -> clock, Long.MAX_VALUE)
                .expectSubscription()
                .expectErrorSatisfies(error -> assertThat(error).isInstanceOf(type).isSameAs(failure))
                .verify(WAIT);

        transport.verify();
        assertThat(clock.untaken()).as("no retry was scheduled").isEmpty();
        assertThat(backoffCauses()).isEmpty();
    }

    @Test
    void aPullWithAMalformedPageIsRefusedWithoutARetry() {
        ScriptedTransport transport = open(script -> script
                .expectPull(first).thenRespond(TransportFailures.withGarbagePage(remote.frames(first, second), 0)));
        RetryClock clock = new RetryClock();

        StepVerifier.withVirtualTime(() -> client.pullChanges().collectList(), () -> clock, Long.MAX_VALUE)
                .expectSubscription()
                .expectError(SyncProtocolException.class)
                .verify(WAIT);

        transport.verify();
        assertThat(clock.untaken()).isEmpty();
    }

    @Test
    void aPushBatchRefusedBeforeTheServerRanItIsSentAgainAndLandsOnce() throws Exception {
        ScriptedTransport transport = open(script -> script
                .expectPipeline(PipelineMatchers.readsPushPosition()).thenAnswer(remote::execute)
                .expectPipeline(PipelineMatchers.pushBatch(null, 2, 2))
                .thenError(TransportFailures.status(PIPELINE, 503))
                .expectPipeline(PipelineMatchers.readsPushPosition()).thenAnswer(remote::execute)
                .expectPipeline(PipelineMatchers.pushBatch(null, 2, 2)).thenAnswer(remote::execute));
        write(client, "INSERT INTO log VALUES ('a')", "INSERT INTO log VALUES ('b')");
        RetryClock clock = new RetryClock();

        StepVerifier.withVirtualTime(() -> client.push(), () -> clock, Long.MAX_VALUE)
                .expectSubscription()
                .then(() -> assertThat(clock.nextDelay()).isEqualTo(ofMillis(100)))
                .thenAwait(ofMillis(100))
                .assertNext(pushed -> assertThat(pushed.changesPushed()).isEqualTo(2))
                .expectComplete()
                .verify(WAIT);

        transport.verify();
        assertThat(remote.queryLong("SELECT count(*) FROM log")).isEqualTo(2);
        assertThat(client.stats().block(WAIT).pendingChanges()).isZero();
    }

    @Test
    void aPushTheRemoteRejectsIsNotRetriedAndItsChangeStaysPending() throws Exception {
        remote.run("INSERT INTO log VALUES ('remote')", "CREATE UNIQUE INDEX log_message ON log(message)");
        ScriptedTransport transport = open(script -> script
                .expectPipeline(PipelineMatchers.readsPushPosition()).thenAnswer(remote::execute)
                .expectPipeline(PipelineMatchers.pushBatch(null, 1, 1)).thenAnswer(remote::execute));
        write(client, "INSERT INTO log VALUES ('remote')");
        RetryClock clock = new RetryClock();

        StepVerifier.withVirtualTime(() -> client.push(), () -> clock, Long.MAX_VALUE)
                .expectSubscription()
                .expectError(PushRejectedException.class)
                .verify(WAIT);

        transport.verify();
        assertThat(clock.untaken()).as("no retry was scheduled").isEmpty();
        assertThat(client.stats().block(WAIT).pendingChanges()).isEqualTo(1);
        assertThat(remote.queryLong("SELECT count(*) FROM log")).as("the batch rolled back").isEqualTo(1);
        assertThat(remote.queryLong("SELECT count(*) FROM sqlite_master WHERE name = 'turso_sync_last_change_id'"))
                .isZero();
    }

    @Test
    void aPushBatchWhoseReplyWasLostAfterTheServerRanItIsNotSentAgain() throws Exception {
        ScriptedTransport transport = open(script -> script
                .expectPipeline(PipelineMatchers.readsPushPosition()).thenAnswer(remote::execute)
                .expectPipeline(PipelineMatchers.pushBatch(null, 3, 3))
                .thenLoseReply(remote::execute, TransportFailures.connectionReset(PIPELINE))
                // the retry reads the position the lost batch moved: nothing is left to send
                .expectPipeline(PipelineMatchers.readsPushPosition()).thenAnswer(remote::execute)
                // the next push starts after it, from the position the retry read
                .expectPipeline(PipelineMatchers.pushBatch("0:3", 4, 1)).thenAnswer(remote::execute));
        write(client, "BEGIN", "INSERT INTO log VALUES ('a')", "INSERT INTO log VALUES ('b')",
                "INSERT INTO log VALUES ('c')", "COMMIT");
        RetryClock clock = new RetryClock();

        StepVerifier.withVirtualTime(() -> client.push(), () -> clock, Long.MAX_VALUE)
                .expectSubscription()
                .then(() -> assertThat(clock.nextDelay()).isEqualTo(ofMillis(100)))
                .thenAwait(ofMillis(100))
                .assertNext(pushed -> assertThat(pushed.changesPushed()).as("sent by this attempt").isZero())
                .expectComplete()
                .verify(WAIT);

        assertThat(remote.queryLong("SELECT count(*) FROM log")).as("each row once").isEqualTo(3);
        assertThat(client.stats().block(WAIT).pendingChanges()).isZero();
        write(client, "INSERT INTO log VALUES ('d')");
        assertThat(client.push().block(WAIT).changesPushed()).isEqualTo(1);
        transport.verify();
        assertThat(remote.queryLong("SELECT count(*) FROM log")).isEqualTo(4);
        assertThat(queryLong(client, "SELECT count(*) FROM log")).isEqualTo(4);
    }

    @Test
    void aPushAfterOneThatEndedWellStartsFromThePositionItLeftWithoutReadingIt() throws Exception {
        ScriptedTransport transport = open(script -> script
                .expectPipeline(PipelineMatchers.readsPushPosition()).thenAnswer(remote::execute)
                .expectPipeline(PipelineMatchers.pushBatch(null, 2, 2)).thenAnswer(remote::execute)
                .expectPipeline(PipelineMatchers.pushBatch("0:2", 3, 1)).thenAnswer(remote::execute)
                .expectPipeline(PipelineMatchers.pushBatch("0:3", 4, 1)).thenAnswer(remote::execute));
        write(client, "BEGIN", "INSERT INTO log VALUES ('a')", "INSERT INTO log VALUES ('b')", "COMMIT");

        assertThat(client.push().block(WAIT).changesPushed()).isEqualTo(2);
        write(client, "INSERT INTO log VALUES ('c')");
        assertThat(client.push().block(WAIT).changesPushed()).isEqualTo(1);
        write(client, "INSERT INTO log VALUES ('d')");
        assertThat(client.push().block(WAIT).changesPushed()).isEqualTo(1);

        transport.verify();
        assertThat(remote.queryLong("SELECT count(*) FROM log")).isEqualTo(4);
        assertThat(client.stats().block(WAIT).pendingChanges()).isZero();
    }

    @Test
    void aRememberedPositionTheRemoteNoLongerHoldsCommitsNothingAndThePushReadsThePositionAndGoesOn()
            throws Exception {
        ScriptedTransport transport = open(script -> script
                .expectPipeline(PipelineMatchers.readsPushPosition()).thenAnswer(remote::execute)
                .expectPipeline(PipelineMatchers.pushBatch(null, 1, 1)).thenAnswer(remote::execute)
                // the remote lost this client's row (replaced by hand): the guard of the remembered 0:1 fails
                .expectPipeline(PipelineMatchers.pushBatch("0:1", 2, 1)).thenAnswer(remote::execute)
                .expectPipeline(PipelineMatchers.readsPushPosition()).thenAnswer(remote::execute)
                .expectPipeline(PipelineMatchers.pushBatch(null, 2, 1)).thenAnswer(remote::execute));
        write(client, "INSERT INTO log VALUES ('a')");
        assertThat(client.push().block(WAIT).changesPushed()).isEqualTo(1);
        remote.run("DELETE FROM turso_sync_last_change_id");
        write(client, "INSERT INTO log VALUES ('b')");

        assertThat(client.push().block(WAIT).changesPushed()).isEqualTo(1);

        transport.verify();
        assertThat(remote.queryLong("SELECT count(*) FROM log WHERE message = 'b'")).as("once").isEqualTo(1);
        assertThat(remote.queryLong("SELECT change_id FROM turso_sync_last_change_id")).isEqualTo(2);
        assertThat(client.status().blockFirst(WAIT).error()).isEmpty();
    }

    /**
     * A push attempt's batch is cut on the way (the server gets it only later); the retry reads the position before
     * the late batch lands and sends its batch after it: that batch's guard fails and commits nothing, and the push
     * reads the position again and goes on from the late batch's, instead of failing (the order of the one failure
     * of {@code CancellationIntegrationTests.pushCancelledBeforeThePositionRead}, with a cancel for the cut).
     */
    @Test
    void aLateBatchThatCommitsBetweenTheRetrysPositionReadAndItsBatchIsReadPast() throws Exception {
        AtomicReference<List<PipelineRequest>> late = new AtomicReference<>();
        ScriptedTransport transport = open(script -> script
                .expectPipeline(PipelineMatchers.readsPushPosition()).thenAnswer(remote::execute)
                .expectPipeline(PipelineMatchers.pushBatch(null, 1, 1)).thenAnswer(remote::execute)
                .expectPipeline(PipelineMatchers.pushBatch("0:1", 2, 1)).thenAnswer(requests -> {
                    late.set(requests);
                    throw TransportFailures.connectionReset(PIPELINE);
                })
                .expectPipeline(PipelineMatchers.readsPushPosition()).thenAnswer(remote::execute)
                .expectPipeline(PipelineMatchers.pushBatch("0:1", 2, 1)).thenAnswer(requests -> {
                    remote.execute(late.get());   // the late batch reaches the server first
                    return remote.execute(requests);
                })
                .expectPipeline(PipelineMatchers.readsPushPosition()).thenAnswer(remote::execute));
        write(client, "INSERT INTO log VALUES ('a')");
        assertThat(client.push().block(WAIT).changesPushed()).isEqualTo(1);
        write(client, "INSERT INTO log VALUES ('b')");

        client.push().block(WAIT);

        transport.verify();
        assertThat(remote.queryLong("SELECT count(*) FROM log WHERE message = 'b'")).as("once").isEqualTo(1);
        assertThat(remote.queryLong("SELECT change_id FROM turso_sync_last_change_id")).isEqualTo(2);
        assertThat(client.stats().block(WAIT).pendingChanges()).isZero();
        assertThat(client.status().blockFirst(WAIT).error()).isEmpty();
    }

    /**
     * A push of several batches whose later batch finds the position moved (here: the same batch delivered twice, the
     * first copy committing) reads the position and goes on; its result counts every batch it committed, those
     * before the failed guard included.
     */
    @Test
    void aPushThatGoesOnAfterAMovedPositionCountsTheBatchesItCommittedBeforeIt() throws Exception {
        ScriptedTransport transport = open(1, script -> script
                .expectPipeline(PipelineMatchers.readsPushPosition()).thenAnswer(remote::execute)
                .expectPipeline(PipelineMatchers.pushBatch(null, 1, 1)).thenAnswer(remote::execute)
                .expectPipeline(PipelineMatchers.pushBatch("0:1", 2, 1)).thenAnswer(remote::execute)
                .expectPipeline(PipelineMatchers.pushBatch("0:2", 3, 1)).thenAnswer(requests -> {
                    remote.execute(requests);   // a copy delivered first commits; this one's guard then fails
                    return remote.execute(requests);
                })
                .expectPipeline(PipelineMatchers.readsPushPosition()).thenAnswer(remote::execute)
                .expectPipeline(PipelineMatchers.pushBatch("0:3", 4, 1)).thenAnswer(remote::execute));
        write(client, "INSERT INTO log VALUES ('a')");
        assertThat(client.push().block(WAIT).changesPushed()).isEqualTo(1);
        write(client, "INSERT INTO log VALUES ('b')", "INSERT INTO log VALUES ('c')", "INSERT INTO log VALUES ('d')");

        PushResult pushed = client.push().block(WAIT);

        transport.verify();
        assertThat(pushed.changesPushed()).as("b and d; c came with the copy").isEqualTo(2);
        assertThat(pushed.batches()).isEqualTo(2);
        assertThat(remote.queryLong("SELECT count(*) FROM log")).as("each once").isEqualTo(4);
        assertThat(remote.queryLong("SELECT change_id FROM turso_sync_last_change_id")).isEqualTo(4);
        assertThat(client.stats().block(WAIT).pendingChanges()).isZero();
    }

    @Test
    void aPushThatFailedLeavesThePositionUnknownSoTheNextPushReadsIt() throws Exception {
        ScriptedTransport transport = open(script -> script
                .expectPipeline(PipelineMatchers.readsPushPosition()).thenAnswer(remote::execute)
                .expectPipeline(PipelineMatchers.pushBatch(null, 1, 1)).thenAnswer(remote::execute)
                .expectPipeline(PipelineMatchers.pushBatch("0:1", 2, 1))
                .thenError(TransportFailures.status(PIPELINE, 500))
                .expectPipeline(PipelineMatchers.readsPushPosition()).thenAnswer(remote::execute)
                .expectPipeline(PipelineMatchers.pushBatch("0:1", 2, 1)).thenAnswer(remote::execute));
        write(client, "INSERT INTO log VALUES ('a')");
        assertThat(client.push().block(WAIT).changesPushed()).isEqualTo(1);
        write(client, "INSERT INTO log VALUES ('b')");

        assertThatThrownBy(() -> client.push().block(WAIT)).isInstanceOf(SyncServerException.class);
        assertThat(client.push().block(WAIT).changesPushed()).isEqualTo(1);

        transport.verify();
        assertThat(remote.queryLong("SELECT count(*) FROM log WHERE message = 'b'")).as("once").isEqualTo(1);
    }
}
