package dev.tursosync.micrometer;

import dev.tursosync.ChangeEvent;
import dev.tursosync.OperationResult;
import dev.tursosync.SyncClient;
import dev.tursosync.SyncStats;
import dev.tursosync.SyncStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToLongFunction;
import reactor.core.Disposable;
import reactor.core.Disposables;

/**
 * Micrometer metrics of a {@link SyncClient}, usable without Spring:
 * {@code new SyncClientMetrics(client).bindTo(registry)}; {@link #close()} stops following the client.
 *
 * <ul>
 *   <li>timers {@code tursosync.pull}, {@code tursosync.push}, {@code tursosync.checkpoint}, tagged {@code outcome}
 *       ({@code success}, {@code failure}, {@code cancelled}): one sample per operation, retries included;</li>
 *   <li>counters {@code tursosync.bytes.received} and {@code tursosync.bytes.sent} (request and reply bodies),
 *       {@code tursosync.changes.pushed}, and {@code tursosync.events} tagged {@code operation} (the change events
 *       of pulls: {@code insert}, {@code update}, {@code delete}, {@code reset});</li>
 *   <li>gauges {@code tursosync.pending.changes} and {@code tursosync.wal.bytes}, as of the end of the last
 *       operation, and {@code tursosync.lag}: seconds since the last successful pull (NaN before the first).</li>
 * </ul>
 *
 * <p>Everything is read from the client's streams ({@link SyncClient#operations()}, {@link SyncClient#changes()},
 * {@link SyncClient#status()}); reading a meter never touches the database.
 */
public final class SyncClientMetrics implements MeterBinder, AutoCloseable {

    private final SyncClient client;
    private final Tags tags;
    private final Clock clock;
    private final AtomicLong bytesSent = new AtomicLong();
    private final AtomicLong bytesReceived = new AtomicLong();
    private final AtomicReference<SyncStats> stats = new AtomicReference<>();
    private final AtomicReference<Instant> lastPull = new AtomicReference<>();
    private final Disposable.Composite following = Disposables.composite();

    /**
     * Metrics of a client, without extra tags.
     *
     * @param client the client, open or not yet
     */
    public SyncClientMetrics(SyncClient client) {
        this(client, Tags.empty(), Clock.systemUTC());
    }

    /**
     * Metrics of a client, with tags on every meter (to tell several replicas apart).
     *
     * @param client the client
     * @param tags   added to every meter
     * @param clock  the time the lag is measured against
     */
    public SyncClientMetrics(SyncClient client, Iterable<Tag> tags, Clock clock) {
        this.client = client;
        this.tags = Tags.of(tags);
        this.clock = clock;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Counter pushed = Counter.builder("tursosync.changes.pushed").tags(tags)
                .description("Local changes pushed to the remote").register(registry);
        FunctionCounter.builder("tursosync.bytes.sent", bytesSent, AtomicLong::get).tags(tags).baseUnit("bytes")
                .description("Request body bytes sent to the remote").register(registry);
        FunctionCounter.builder("tursosync.bytes.received", bytesReceived, AtomicLong::get).tags(tags)
                .baseUnit("bytes").description("Reply body bytes received from the remote").register(registry);
        Gauge.builder("tursosync.pending.changes", stats, ref -> stat(ref.get(), SyncStats::pendingChanges))
                .tags(tags).description("Captured local changes not pushed yet").strongReference(true)
                .register(registry);
        Gauge.builder("tursosync.wal.bytes", stats, ref -> stat(ref.get(), SyncStats::walSizeBytes)).tags(tags)
                .baseUnit("bytes").description("Size of the local write-ahead log").strongReference(true)
                .register(registry);
        Gauge.builder("tursosync.lag", lastPull, this::lagSeconds).tags(tags).baseUnit("seconds")
                .description("Seconds since the last successful pull").strongReference(true).register(registry);
        following.add(client.operations().subscribe(result -> record(registry, pushed, result)));
        following.add(client.changes().subscribe(event -> events(registry, event).increment()));
        following.add(client.status().subscribe(this::followPulls));
        refreshStats();
    }

    private void record(MeterRegistry registry, Counter pushed, OperationResult result) {
        Timer.builder("tursosync." + lower(result.operation().name()))
                .tags(tags).tag("outcome", lower(result.outcome().name()))
                .description("Duration of sync operations, retries included")
                .register(registry)
                .record(result.duration());
        pushed.increment(result.changesPushed());
        bytesSent.accumulateAndGet(result.bytesSent(), Math::max);
        bytesReceived.accumulateAndGet(result.bytesReceived(), Math::max);
        refreshStats();
    }

    private Counter events(MeterRegistry registry, ChangeEvent event) {
        return Counter.builder("tursosync.events").tags(tags).tag("operation", lower(event.operation().name()))
                .description("Change events of pulls").register(registry);
    }

    private void followPulls(SyncStatus status) {
        status.lastPull().ifPresent(lastPull::set);
    }

    private void refreshStats() {
        client.stats().subscribe(stats::set, closedOrNotOpen -> { });
    }

    private double lagSeconds(AtomicReference<Instant> pulled) {
        Instant at = pulled.get();
        return at == null ? Double.NaN : Duration.between(at, clock.instant()).toMillis() / 1000.0;
    }

    private static double stat(SyncStats stats, ToLongFunction<SyncStats> value) {
        return stats == null ? Double.NaN : value.applyAsLong(stats);
    }

    private static String lower(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    /** Stops following the client; the meters keep their last values. */
    @Override
    public void close() {
        following.dispose();
    }
}
