package dev.tursosync.internal.push;

import dev.tursosync.RemoteSqlException;
import dev.tursosync.SyncProtocolException;
import dev.tursosync.internal.capture.CaptureNames;
import dev.tursosync.internal.hrana.BatchResult;
import dev.tursosync.internal.hrana.BatchStep;
import dev.tursosync.internal.hrana.HranaError;
import dev.tursosync.internal.hrana.HranaStatement;
import dev.tursosync.internal.hrana.HranaValue;
import dev.tursosync.internal.hrana.PipelineRequest;
import dev.tursosync.internal.hrana.PipelineResponse;
import dev.tursosync.internal.hrana.PipelineResult;
import dev.tursosync.internal.hrana.StatementResult;
import dev.tursosync.internal.transport.SyncTransport;
import java.util.List;
import java.util.Optional;
import reactor.core.publisher.Mono;

/**
 * This client's row of the remote bookkeeping table {@code turso_sync_last_change_id}: the pull generation and the
 * last local change id the remote has committed. Same table, columns and SQL as the official clients.
 *
 * @param pullGeneration the generation the change id belongs to
 * @param changeId       the last change id applied on the remote
 */
public record RemotePosition(long pullGeneration, long changeId) {

    /** Creates the table if missing; the first step of every push batch. */
    public static final String CREATE_TABLE = "CREATE TABLE IF NOT EXISTS " + CaptureNames.BOOKKEEPING
            + " (client_id TEXT PRIMARY KEY, pull_gen INTEGER, change_id INTEGER)";
    /** Moves the position; the last step of every push batch before the commit. */
    public static final String UPSERT = "INSERT INTO " + CaptureNames.BOOKKEEPING
            + "(client_id, pull_gen, change_id) VALUES (?, ?, ?) ON CONFLICT(client_id) DO UPDATE SET"
            + " pull_gen=excluded.pull_gen, change_id=excluded.change_id";
    /**
     * Fails (integer overflow) unless this client's row holds the expected {@code pull_gen:change_id}, or is missing
     * when {@code NULL} is expected: the second step of every push batch, so that a batch sent by a push that
     * was given up (cancelled, timed out) and reaches the server late cannot apply its changes a second time after
     * a newer push has moved the position. {@code random()} keeps SQLite from evaluating the failing branch up front.
     */
    public static final String GUARD = "SELECT CASE WHEN (SELECT pull_gen || ':' || change_id FROM "
            + CaptureNames.BOOKKEEPING + " WHERE client_id = ?) IS ? THEN 1"
            + " ELSE abs(-9223372036854775807 - (random() IS NOT NULL)) END";
    /** Reads this client's position: {@code pull_gen, change_id} for a client id. */
    public static final String SELECT = "SELECT pull_gen, change_id FROM " + CaptureNames.BOOKKEEPING
            + " WHERE client_id = ?";

    /**
     * The guard statement that a batch moving this client from {@code expected} runs first.
     *
     * @param clientId this client's id
     * @param expected the position the remote must hold, or {@code null} if it must hold none
     * @return the statement
     */
    public static HranaStatement guard(String clientId, RemotePosition expected) {
        return HranaStatement.query(GUARD, clientId,
                expected == null ? null : expected.pullGeneration() + ":" + expected.changeId());
    }

    /**
     * Reads the position.
     *
     * @param transport the transport
     * @param clientId  this client's id
     * @return the position, or empty if this client never pushed to this remote
     */
    public static Mono<Optional<RemotePosition>> read(SyncTransport transport, String clientId) {
        PipelineRequest.Batch batch = new PipelineRequest.Batch(
                List.of(new BatchStep(null, HranaStatement.query(SELECT, clientId))));
        return transport.pipeline(List.of(batch)).map(RemotePosition::decode);
    }

    private static Optional<RemotePosition> decode(PipelineResponse response) {
        if (response.results().size() != 1) {
            throw new SyncProtocolException("the remote answered " + response.results().size()
                    + " results to the one request reading the push position");
        }
        PipelineResult result = response.results().get(0);
        if (result instanceof PipelineResult.Failed failed) {
            throw new RemoteSqlException("reading the push position", failed.error().message(),
                    failed.error().code());
        }
        if (!(result instanceof PipelineResult.BatchOk ok)) {
            throw new SyncProtocolException("the remote answered a batch with another kind of result");
        }
        BatchResult batch = ok.result();
        Optional<HranaError> error = batch.error(0);
        if (error.isPresent()) {
            if (error.get().message() != null && error.get().message().contains("no such table")) {
                return Optional.empty();
            }
            throw new RemoteSqlException("reading the push position", error.get().message(), error.get().code());
        }
        StatementResult rows = batch.result(0)
                .orElseThrow(() -> new SyncProtocolException("the remote returned no result for the push position"));
        if (rows.rows().isEmpty()) {
            return Optional.empty();
        }
        List<HranaValue> row = rows.rows().get(0);
        if (row.size() != 2 || !(row.get(0) instanceof HranaValue.IntegerValue generation)
                || !(row.get(1) instanceof HranaValue.IntegerValue change)) {
            throw new SyncProtocolException("the remote push position is not two integers (" + row.size() + " values)");
        }
        return Optional.of(new RemotePosition(generation.value(), change.value()));
    }
}
