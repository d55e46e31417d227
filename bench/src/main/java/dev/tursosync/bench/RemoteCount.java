package dev.tursosync.bench;

import dev.tursosync.internal.hrana.HranaStatement;
import dev.tursosync.internal.hrana.HranaValue;
import dev.tursosync.internal.hrana.PipelineRequest;
import dev.tursosync.internal.hrana.PipelineResult;
import dev.tursosync.internal.transport.AuthTokenSource;
import dev.tursosync.internal.transport.ReactorNettySyncTransport;
import dev.tursosync.internal.transport.SyncTransport;
import dev.tursosync.internal.transport.TransportOptions;
import java.time.Duration;
import java.util.List;

/**
 * Counts rows on the remote through {@code /v2/pipeline}, to check that a push really arrived.
 */
final class RemoteCount implements AutoCloseable {

    private static final Duration WAIT = Duration.ofMinutes(1);
    private final SyncTransport transport;

    /**
     * Connects to a remote without auth.
     *
     * @param url the remote
     */
    RemoteCount(String url) {
        this.transport = ReactorNettySyncTransport.create(
                TransportOptions.of(url).withAuthToken(AuthTokenSource.none()));
    }

    /**
     * The number of rows of a table on the remote.
     *
     * @param table the table
     * @return the count
     */
    long rows(String table) {
        PipelineRequest request = new PipelineRequest.Execute(HranaStatement.query("SELECT count(*) FROM " + table));
        PipelineResult result = transport.pipeline(List.of(request)).block(WAIT).results().get(0);
        if (!(result instanceof PipelineResult.ExecuteOk ok)
                || !(ok.result().rows().get(0).get(0) instanceof HranaValue.IntegerValue count)) {
            throw new IllegalStateException("counting the rows of " + table + " on the remote failed: " + result);
        }
        return count.value();
    }

    /**
     * Fails unless the remote table has the expected number of rows.
     *
     * @param table    the table
     * @param expected the rows it should have
     */
    void expect(String table, long expected) {
        long actual = rows(table);
        if (actual != expected) {
            throw new IllegalStateException("the remote has " + actual + " rows in " + table + ", expected "
                    + expected);
        }
    }

    @Override
    public void close() {
        transport.close().block(WAIT);
    }
}
