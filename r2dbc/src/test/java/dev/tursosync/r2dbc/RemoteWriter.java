package dev.tursosync.r2dbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tursosync.internal.hrana.AtomicBatch;
import dev.tursosync.internal.hrana.BatchResult;
import dev.tursosync.internal.hrana.PipelineRequest;
import dev.tursosync.internal.hrana.PipelineResult;
import dev.tursosync.internal.hrana.HranaStatement;
import dev.tursosync.internal.transport.ReactorNettySyncTransport;
import dev.tursosync.internal.transport.SyncTransport;
import dev.tursosync.internal.transport.TransportOptions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/** A second writer on the sync server: each call runs its statements in one remote transaction. */
final class RemoteWriter implements AutoCloseable {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private final SyncTransport transport;

    RemoteWriter(String url) {
        this.transport = ReactorNettySyncTransport.create(TransportOptions.of(url));
    }

    void transaction(String... statements) {
        PipelineRequest.Batch batch = AtomicBatch.of(Arrays.stream(statements).map(HranaStatement::update).toList());
        PipelineResult result = transport.pipeline(List.of(batch)).block(WAIT).results().get(0);
        BatchResult outcome = ((PipelineResult.BatchOk) result).result();
        assertThat(AtomicBatch.firstFailedStep(batch, outcome)).as("remote statements failed").isEqualTo(-1);
    }

    @Override
    public void close() {
        transport.close().block(WAIT);
    }
}
