package dev.tursosync.r2dbc.internal;

import io.r2dbc.spi.Readable;
import io.r2dbc.spi.Result;
import io.r2dbc.spi.Row;
import io.r2dbc.spi.RowMetadata;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A statement's result over its segments; every method consumes it, once. A result straight from an execution reads
 * its cursor directly (no operator per segment); a filtered one goes through its segments.
 */
final class TursoResult implements Result {

    private final CursorResult source;
    private final Flux<Segment> segments;

    TursoResult(CursorResult source) {
        this.source = source;
        this.segments = null;
    }

    private TursoResult(Flux<Segment> segments) {
        this.source = null;
        this.segments = segments;
    }

    @Override
    public Mono<Long> getRowsUpdated() {
        if (source != null) {
            return Mono.fromDirect(source.read(null, Long::valueOf));
        }
        return segments.ofType(UpdateCount.class).map(UpdateCount::value).reduce(Long::sum);
    }

    @Override
    public <T> Flux<T> map(BiFunction<Row, RowMetadata, ? extends T> mappingFunction) {
        requireNonNull(mappingFunction, "mappingFunction");
        if (source != null) {
            return source.read(row -> mappingFunction.apply(row, row.getMetadata()), null);
        }
        return rows().map(row -> mappingFunction.apply(row, row.getMetadata()));
    }

    @Override
    public <T> Flux<T> map(Function<? super Readable, ? extends T> mappingFunction) {
        requireNonNull(mappingFunction, "mappingFunction");
        if (source != null) {
            return source.read(mappingFunction, null);
        }
        return rows().map(mappingFunction);
    }

    @Override
    public Result filter(Predicate<Segment> filter) {
        requireNonNull(filter, "filter");
        return new TursoResult(segments().filter(filter));
    }

    @Override
    public <T> Flux<T> flatMap(Function<Segment, ? extends Publisher<? extends T>> mappingFunction) {
        requireNonNull(mappingFunction, "mappingFunction");
        return segments().concatMap(mappingFunction);
    }

    private Flux<Segment> segments() {
        return source != null ? source.segments() : segments;
    }

    private Flux<Row> rows() {
        return segments().handle((segment, sink) -> {
            if (segment instanceof RowSegment rowSegment) {
                sink.next(rowSegment.row());
            } else if (segment instanceof Message message) {
                sink.error(message.exception());
            }
        });
    }

    private static void requireNonNull(Object value, String name) {
        if (value == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
    }
}
