package dev.tursosync.examples;

import dev.tursosync.internal.hrana.AtomicBatch;
import dev.tursosync.internal.hrana.HranaStatement;
import dev.tursosync.internal.hrana.PipelineRequest;
import dev.tursosync.internal.hrana.PipelineResult;
import dev.tursosync.internal.transport.AuthTokenSource;
import dev.tursosync.internal.transport.ReactorNettySyncTransport;
import dev.tursosync.internal.transport.SyncTransport;
import dev.tursosync.internal.transport.TransportOptions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Another writer on the remote, straight through {@code /v2/pipeline} (no replica): the benchmarks
 * ({@code tursosync-bench}) use it to seed and change their remotes. Applications write through a replica and push.
 */
public final class RemoteWriter implements AutoCloseable {

    private static final Duration WAIT = Duration.ofMinutes(1);
    private final SyncTransport transport;

    /**
     * Connects to a remote.
     *
     * @param url   the remote's URL
     * @param token an auth token, or {@code null} or blank for none
     */
    public RemoteWriter(String url, String token) {
        this.transport = ReactorNettySyncTransport.create(TransportOptions.of(url).withAuthToken(
                token == null || token.isBlank() ? AuthTokenSource.none() : AuthTokenSource.of(token)));
    }

    /**
     * Runs the statements as one transaction; nothing commits if one fails.
     *
     * @param statements the SQL statements
     * @throws IllegalStateException if the remote rejects the batch or a statement fails
     */
    public void transaction(String... statements) {
        PipelineRequest.Batch batch = AtomicBatch.of(Arrays.stream(statements).map(HranaStatement::update).toList());
        PipelineResult result = transport.pipeline(List.of(batch)).block(WAIT).results().get(0);
        if (!(result instanceof PipelineResult.BatchOk ok)) {
            throw new IllegalStateException("the remote rejected the batch: " + result);
        }
        int failed = AtomicBatch.firstFailedStep(batch, ok.result());
        if (failed >= 0) {
            throw new IllegalStateException("remote statement failed: " + batch.steps().get(failed).statement().sql()
                    + ": " + ok.result().error(failed).orElseThrow().message());
        }
    }

    @Override
    public void close() {
        transport.close().block(WAIT);
    }
}
