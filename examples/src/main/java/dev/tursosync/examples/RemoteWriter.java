package dev.tursosync.examples;

import dev.tursosync.internal.hrana.BatchCondition;
import dev.tursosync.internal.hrana.BatchStep;
import dev.tursosync.internal.hrana.HranaStatement;
import dev.tursosync.internal.hrana.PipelineRequest;
import dev.tursosync.internal.hrana.PipelineResult;
import dev.tursosync.internal.transport.AuthTokenSource;
import dev.tursosync.internal.transport.ReactorNettySyncTransport;
import dev.tursosync.internal.transport.SyncTransport;
import dev.tursosync.internal.transport.TransportOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Stands in for another application writing to the remote, through {@code /v2/pipeline}, until the client can push
 * its own local writes.
 */
final class RemoteWriter implements AutoCloseable {

    private static final Duration WAIT = Duration.ofMinutes(1);
    private final SyncTransport transport;

    RemoteWriter(String url, String token) {
        this.transport = ReactorNettySyncTransport.create(TransportOptions.of(url).withAuthToken(
                token == null || token.isBlank() ? AuthTokenSource.none() : AuthTokenSource.of(token)));
    }

    /** Runs the statements as one transaction; nothing commits if one fails. */
    void transaction(String... statements) {
        List<BatchStep> steps = new ArrayList<>();
        steps.add(new BatchStep(null, HranaStatement.update("BEGIN IMMEDIATE")));
        for (String sql : statements) {
            steps.add(new BatchStep(BatchCondition.ok(steps.size() - 1), HranaStatement.update(sql)));
        }
        steps.add(new BatchStep(BatchCondition.ok(steps.size() - 1), HranaStatement.update("COMMIT")));
        steps.add(new BatchStep(BatchCondition.not(BatchCondition.ok(steps.size() - 1)),
                HranaStatement.update("ROLLBACK")));
        PipelineResult result = transport.pipeline(List.of(new PipelineRequest.Batch(steps))).block(WAIT)
                .results().get(0);
        if (!(result instanceof PipelineResult.BatchOk ok)) {
            throw new IllegalStateException("the remote rejected the batch: " + result);
        }
        for (int step = 0; step < steps.size() - 1; step++) {
            int failed = step;
            ok.result().error(step).ifPresent(error -> {
                throw new IllegalStateException("remote statement failed: "
                        + steps.get(failed).statement().sql() + ": " + error.message());
            });
        }
    }

    @Override
    public void close() {
        transport.close().block(WAIT);
    }
}
