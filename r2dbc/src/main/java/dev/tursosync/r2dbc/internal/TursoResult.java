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
 * A filtered result ({@link Result#filter}) over the segments it kept; every method consumes it, once. A result
 * straight from an execution is its {@link CursorResult}, which reads its cursor directly (no operator per segment).
 */
final class TursoResult implements Result {

    private final Flux<Segment> segments;

    /**
     * A result of the given segments.
     *
     * @param segments the segments, readable once
     */
    TursoResult(Flux<Segment> segments) {
        this.segments = segments;
    }

    @Override
    public Mono<Long> getRowsUpdated() {
        return segments.ofType(UpdateCount.class).map(UpdateCount::value).reduce(Long::sum);
    }

    @Override
    public <T> Flux<T> map(BiFunction<Row, RowMetadata, ? extends T> mappingFunction) {
        requireNonNull(mappingFunction, "mappingFunction");
        return rows().map(row -> mappingFunction.apply(row, row.getMetadata()));
    }

    @Override
    public <T> Flux<T> map(Function<? super Readable, ? extends T> mappingFunction) {
        requireNonNull(mappingFunction, "mappingFunction");
        return rows().map(mappingFunction);
    }

    @Override
    public Result filter(Predicate<Segment> filter) {
        requireNonNull(filter, "filter");
        return new TursoResult(segments.filter(filter));
    }

    @Override
    public <T> Flux<T> flatMap(Function<Segment, ? extends Publisher<? extends T>> mappingFunction) {
        requireNonNull(mappingFunction, "mappingFunction");
        return segments.concatMap(mappingFunction);
    }

    private Flux<Row> rows() {
        return segments.handle((segment, sink) -> {
            if (segment instanceof RowSegment rowSegment) {
                sink.next(rowSegment.row());
            } else if (segment instanceof Message message) {
                sink.error(message.exception());
            }
        });
    }

    /**
     * Fails a call given {@code null}, as the SPI asks.
     *
     * @param value the argument
     * @param name  its name, for the message
     */
    static void requireNonNull(Object value, String name) {
        if (value == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
    }
}
