package dev.tursosync.r2dbc.internal;

import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.Readable;
import io.r2dbc.spi.Result;
import io.r2dbc.spi.Row;
import io.r2dbc.spi.RowMetadata;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.function.Predicate;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;

/**
 * The result of one executed statement, as the execution emits it: its segments, readable once (a filtered result is
 * a {@link TursoResult} over them). Rows are stepped on the database thread only as far as
 * the subscriber asked (at most {@code fetchSize} per database task). Completion, cancellation or an error closes the
 * cursor and ends the statement's hold on the connection's turn, then tells the execution (which opens the next
 * statement or completes).
 *
 * <p>A reading is one small publisher ({@link #read}) that maps rows and the update count straight to what the
 * application asked for, so a statement costs no operator chain or buffer queue per result. Each database task steps
 * a row, maps it while the cursor stands on it (reading only the columns the function asks for) and emits it, as long
 * as the subscriber asks for more: a row is never copied, and no row is stepped beyond the demand.
 */
final class CursorResult implements Result {

    private static final int MAX_BATCH = 256;
    private static final VarHandle SUBSCRIBED;
    private static final VarHandle FINISHED;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            SUBSCRIBED = lookup.findVarHandle(CursorResult.class, "subscribed", boolean.class);
            FINISHED = lookup.findVarHandle(CursorResult.class, "finished", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Operation operation;
    private final Cursor cursor;
    private final String sql;
    private final int fetchSize;
    private final Runnable ended;
    /** Set once by the first reading (or abandonment); a field, not an atomic object, as a batch makes one per row. */
    private volatile boolean subscribed;
    /** Set once by {@link #finish()}. */
    private volatile boolean finished;
    private volatile Reader<?> reader;
    /** Links of the connection's {@link OpenResults}, guarded by its monitor. */
    CursorResult previousOpen;
    CursorResult nextOpen;

    /**
     * Takes a hold on the turn until the result is consumed, cancelled or abandoned.
     *
     * @param operation the turn
     * @param cursor    the executed statement
     * @param sql       the statement, for error messages
     * @param fetchSize rows per step, {@code 0} for the default
     * @param ended     told once the result ended and its hold was given back
     */
    CursorResult(Operation operation, Cursor cursor, String sql, int fetchSize, Runnable ended) {
        this.operation = operation;
        this.cursor = cursor;
        this.sql = sql;
        this.fetchSize = fetchSize > 0 ? Math.min(fetchSize, MAX_BATCH) : MAX_BATCH;
        this.ended = ended;
        operation.hold();
        operation.session().track(this);
    }

    @Override
    public Mono<Long> getRowsUpdated() {
        return Mono.fromDirect(read(null, Long::valueOf));
    }

    @Override
    public <T> Flux<T> map(BiFunction<Row, RowMetadata, ? extends T> mappingFunction) {
        TursoResult.requireNonNull(mappingFunction, "mappingFunction");
        return read(row -> mappingFunction.apply(row, row.getMetadata()), null);
    }

    @Override
    public <T> Flux<T> map(Function<? super Readable, ? extends T> mappingFunction) {
        TursoResult.requireNonNull(mappingFunction, "mappingFunction");
        return read(mappingFunction, null);
    }

    @Override
    public Result filter(Predicate<Segment> filter) {
        TursoResult.requireNonNull(filter, "filter");
        return new TursoResult(segments().filter(filter));
    }

    @Override
    public <T> Flux<T> flatMap(Function<Segment, ? extends Publisher<? extends T>> mappingFunction) {
        TursoResult.requireNonNull(mappingFunction, "mappingFunction");
        return segments().concatMap(mappingFunction);
    }

    /**
     * The segments; a second subscription fails.
     *
     * @return rows, or one update count
     */
    private Flux<Segment> segments() {
        return read(row -> new RowSegment(row.detached()), UpdateCount::new);
    }

    /**
     * Reads the result once: each row through {@code rows}, the update count through {@code count}; a {@code null}
     * function skips those (the rows are still stepped to the end). A second subscription fails.
     *
     * @param rows  maps a row, or {@code null} to skip rows
     * @param count maps the update count, or {@code null} to skip it
     * @param <T>   the element type
     * @return the mapped values
     */
    <T> Flux<T> read(Function<? super CursorRow, ? extends T> rows, LongFunction<? extends T> count) {
        if (!cursor.hasRows() || cursor.exhausted()) {
            return new KnownReading<>(rows, count);
        }
        return new Reading<>(rows, count);
    }

    /** Ends a result nobody consumed, because its connection closes. */
    void abandon() {
        if (claimSubscription()) {
            finish();
            return;
        }
        Reader<?> current = reader;
        if (current != null) {
            current.abandon(new R2dbcNonTransientResourceException("the connection was closed while reading a result"));
        }
    }

    /**
     * Closes the cursor on the database thread (after any running step; at once when the statement already ended),
     * then ends the hold. Runs once.
     */
    private void finish() {
        if (!FINISHED.compareAndSet(this, false, true)) {
            return;
        }
        operation.session().untrack(this);
        if (cursor.isClosed()) {
            end();
            return;
        }
        operation.run(connection -> {
            cursor.closeQuietly();
            return true;
        }, sql, (closed, error) -> end());
    }

    /** Whether this is the result's first reading (or abandonment); {@code false} every later time. */
    private boolean claimSubscription() {
        return SUBSCRIBED.compareAndSet(this, false, true);
    }

    private void end() {
        operation.done();
        ended.run();
    }

    private class Reading<T> extends Flux<T> {

        final Function<? super CursorRow, ? extends T> rows;
        final LongFunction<? extends T> count;

        Reading(Function<? super CursorRow, ? extends T> rows, LongFunction<? extends T> count) {
            this.rows = rows;
            this.count = count;
        }

        @Override
        public void subscribe(CoreSubscriber<? super T> actual) {
            if (!claimSubscription()) {
                Operators.error(actual, new IllegalStateException("a Result can be consumed only once"));
                return;
            }
            Reader<T> subscription = new Reader<>(actual, rows, count);
            reader = subscription;
            actual.onSubscribe(subscription);
        }
    }

    /**
     * A reading of a result the execution already read whole: an update count, or a query of at most one row (such as
     * a lookup by key). It is also a {@link Callable}, which Reactor's {@code flatMap} and {@code concatMap} call
     * instead of subscribing (as for {@code Mono.fromCallable}): the value, or {@code null} for none, comes back at
     * once, without an inner subscriber, its queue and its requests. The result is finished before the value is
     * returned, as the mapping function has then run.
     */
    private final class KnownReading<T> extends Reading<T> implements Callable<T> {

        KnownReading(Function<? super CursorRow, ? extends T> rows, LongFunction<? extends T> count) {
            super(rows, count);
        }

        @Override
        public T call() {
            if (!claimSubscription()) {
                throw new IllegalStateException("a Result can be consumed only once");
            }
            try {
                if (!cursor.hasRows()) {
                    return count == null ? null : count.apply(cursor.updateCount());
                }
                TursoRow first = cursor.takeFirst();
                if (rows == null || first == null) {
                    return null;
                }
                T value = rows.apply(first);
                if (value == null) {
                    throw new NullPointerException("the mapping function returned null");
                }
                return value;
            } finally {
                finish();
            }
        }
    }

    /**
     * One reading. Signals go out only while {@code emitting} is held: by the thread that delivers the update count,
     * by the database task that steps and emits rows, or by whoever ends the reading; so they never overlap.
     */
    private final class Reader<T> implements Subscription {

        private final CoreSubscriber<? super T> actual;
        private final Function<? super CursorRow, ? extends T> rows;
        private final LongFunction<? extends T> count;
        private final AtomicLong requested = new AtomicLong();
        private final AtomicBoolean emitting = new AtomicBoolean();
        /** The database thread while a task steps and emits rows, else {@code null}. */
        private volatile Thread stepping;
        private volatile boolean fetching;
        private volatile boolean cancelled;
        private volatile Throwable abandoned;
        /** A failure of the mapping function, signalled once the task that ran it ends. */
        private Throwable mappingFailure;
        private boolean done;

        Reader(CoreSubscriber<? super T> actual, Function<? super CursorRow, ? extends T> rows,
                LongFunction<? extends T> count) {
            this.actual = actual;
            this.rows = rows;
            this.count = count;
        }

        @Override
        public void request(long n) {
            if (!Operators.validate(n)) {
                return;
            }
            requested.getAndUpdate(current -> Operators.addCap(current, n));
            drain();
        }

        @Override
        public void cancel() {
            cancelled = true;
            if (fetching && stepping != Thread.currentThread()) {
                // a step may be running on the database thread; from inside an emission it is not
                operation.interrupt();
            }
            finish();
        }

        void abandon(Throwable error) {
            abandoned = error;
            drain();
        }

        /** Emits what can be emitted now, or starts the next database task. */
        private void drain() {
            if (cancelled || !emitting.compareAndSet(false, true)) {
                return;
            }
            if (done) {
                return;
            }
            Throwable failure = abandoned;
            if (failure != null) {
                fail(failure);
                return;
            }
            long wanted = rows == null ? fetchSize : requested.get();
            if (!cursor.hasRows()) {
                wanted = count == null ? 1 : requested.get();
            }
            if (wanted <= 0) {
                emitting.set(false);
                if (requested.get() > 0 || abandoned != null) {
                    drain();
                }
                return;
            }
            if (!cursor.hasRows()) {
                emitCount();
                return;
            }
            if (cursor.firstPending()) {
                // read with the execution: no database task (wanted is at least 1, so the row was asked for)
                TursoRow first = cursor.takeFirst();
                if (rows != null && first != null && emit(first) && requested.get() != Long.MAX_VALUE) {
                    requested.decrementAndGet();
                }
                stepped(null, null);
                return;
            }
            fetching = true;
            operation.run(connection -> emitRows(), sql, this::stepped);
        }

        private void emitCount() {
            done = true;
            if (count != null) {
                T value = count.apply(cursor.updateCount());
                if (value != null) {
                    actual.onNext(value);
                }
            }
            actual.onComplete();
            finish();
        }

        /**
         * On the database thread: steps rows and emits each while the subscriber asks for more, at most {@code
         * fetchSize}; stops at the end, on a cancellation or when the mapping function fails.
         */
        private Void emitRows() throws SQLException {
            stepping = Thread.currentThread();
            long wanted = rows == null ? Long.MAX_VALUE : requested.get();
            long emitted = 0;
            try {
                for (int step = 0; step < fetchSize && !cancelled; step++) {
                    if (emitted == wanted) {
                        wanted = requested.addAndGet(-emitted);
                        emitted = 0;
                        if (wanted == 0) {
                            break;
                        }
                    }
                    LiveRow row = cursor.next();
                    if (row == null || rows != null && !emit(row)) {
                        break;
                    }
                    emitted++;
                }
            } finally {
                stepping = null;
                if (rows != null && wanted != Long.MAX_VALUE && emitted != 0) {
                    requested.addAndGet(-emitted);
                }
            }
            return null;
        }

        /**
         * Maps a row and emits it; {@code false} (and the reading cancelled) if the mapping function failed. The
         * caller accounts for the demand.
         */
        private boolean emit(CursorRow row) {
            T value;
            try {
                value = rows.apply(row);
                if (value == null) {
                    throw new NullPointerException("the mapping function returned null");
                }
            } catch (Throwable mapping) {
                cancelled = true;
                mappingFailure = mapping;
                return false;
            } finally {
                if (row instanceof LiveRow live) {
                    live.release();
                }
            }
            actual.onNext(value);
            return true;
        }

        /** After rows were emitted: ends the reading, or looks for more demand. */
        private void stepped(Void ignored, Throwable error) {
            fetching = false;
            Throwable mapping = mappingFailure;
            if (mapping != null) {
                mappingFailure = null;
                fail(mapping);
                return;
            }
            if (cancelled) {
                return;
            }
            if (error != null) {
                fail(error);
                return;
            }
            if (cursor.exhausted()) {
                done = true;
                actual.onComplete();
                finish();
                return;
            }
            emitting.set(false);
            drain();
        }

        private void fail(Throwable error) {
            done = true;
            actual.onError(error);
            finish();
        }
    }

    private record UpdateCount(long value) implements Result.UpdateCount {
    }

    private record RowSegment(Row row) implements Result.RowSegment {
    }
}
