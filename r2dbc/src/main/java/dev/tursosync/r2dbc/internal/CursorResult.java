package dev.tursosync.r2dbc.internal;

import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.Result;
import io.r2dbc.spi.Row;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The segments of one executed statement, readable once. Rows are stepped on the database thread only as far as
 * the subscriber asked (at most {@code fetchSize} per step). Completion, cancellation or an error closes the cursor
 * and ends the statement's hold on the connection's turn.
 */
final class CursorResult {

    private static final int MAX_BATCH = 256;

    private final Operation operation;
    private final Cursor cursor;
    private final String sql;
    private final int fetchSize;
    private final AtomicBoolean subscribed = new AtomicBoolean();
    private final AtomicBoolean finished = new AtomicBoolean();
    private final AtomicBoolean fetching = new AtomicBoolean();
    private final Sinks.Empty<Void> ended = Sinks.empty();
    private volatile FluxSink<Result.Segment> sink;

    CursorResult(Operation operation, Cursor cursor, String sql, int fetchSize) {
        this.operation = operation;
        this.cursor = cursor;
        this.sql = sql;
        this.fetchSize = fetchSize > 0 ? Math.min(fetchSize, MAX_BATCH) : MAX_BATCH;
        operation.hold();
        operation.session().track(this);
    }

    /**
     * The segments; a second subscription fails.
     *
     * @return rows, or one update count
     */
    Flux<Result.Segment> segments() {
        return Flux.create(emitter -> {
            if (!subscribed.compareAndSet(false, true)) {
                emitter.error(new IllegalStateException("a Result can be consumed only once"));
                return;
            }
            sink = emitter;
            emitter.onDispose(this::finish);
            emitter.onCancel(() -> {
                if (fetching.get()) {
                    operation.interrupt();
                }
            });
            if (!cursor.hasRows()) {
                emitter.next(new UpdateCount(cursor.updateCount()));
                emitter.complete();
                return;
            }
            emitter.onRequest(ignored -> drain());
        });
    }

    /** Completes once the result was consumed, cancelled or abandoned. */
    Mono<Void> ended() {
        return ended.asMono();
    }

    /** Ends a result nobody consumed, because its connection closes. */
    void abandon() {
        if (subscribed.compareAndSet(false, true)) {
            finish();
        } else if (sink != null) {
            sink.error(new R2dbcNonTransientResourceException("the connection was closed while reading a result"));
        }
    }

    private void drain() {
        FluxSink<Result.Segment> emitter = sink;
        if (finished.get() || !fetching.compareAndSet(false, true)) {
            return;
        }
        long wanted = emitter.requestedFromDownstream();
        if (wanted <= 0) {
            fetching.set(false);
            if (emitter.requestedFromDownstream() > 0) {
                drain();
            }
            return;
        }
        int batch = (int) Math.min(wanted, fetchSize);
        operation.run(connection -> cursor.fetch(batch), sql).subscribe(rows -> emit(emitter, rows), error -> {
            fetching.set(false);
            emitter.error(error);
        });
    }

    private void emit(FluxSink<Result.Segment> emitter, List<TursoRow> rows) {
        rows.forEach(row -> emitter.next(new RowSegment(row)));
        fetching.set(false);
        if (cursor.exhausted()) {
            emitter.complete();
        } else if (emitter.requestedFromDownstream() > 0) {
            drain();
        }
    }

    /** Closes the cursor on the database thread (after any running step), then ends the hold. Runs once. */
    private void finish() {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        operation.session().untrack(this);
        operation.run(connection -> {
                    cursor.closeQuietly();
                    return true;
                }, sql)
                .onErrorResume(error -> Mono.empty())
                .doFinally(signal -> {
                    operation.done();
                    ended.tryEmitEmpty();
                })
                .subscribe();
    }

    private record UpdateCount(long value) implements Result.UpdateCount {
    }

    private record RowSegment(Row row) implements Result.RowSegment {
    }
}
