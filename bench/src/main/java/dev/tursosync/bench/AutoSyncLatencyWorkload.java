package dev.tursosync.bench;

import dev.tursosync.AutoSyncOptions;
import dev.tursosync.SyncClient;
import dev.tursosync.testing.CloudGateway;
import dev.tursosync.testing.LocalSyncServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * Java only: how long a row committed on replica A takes to reach replica B when both run {@code autoSync} (push
 * debounce 50 ms, pull interval 1 s), timed from the end of A's local commit to B's change event for the row:
 * <ul>
 *   <li>{@code interval}: straight to {@code tursodb --sync-server}, which answers every pull at once, so B sees the
 *       row at its next pull: on average half the pull interval after A's push;</li>
 *   <li>{@code long-poll}: through {@link CloudGateway} (TLS, token, long poll 30 s), which holds B's pull until A's
 *       push lands: the debounce plus about one round trip.</li>
 * </ul>
 * Both pairs of replicas run for the whole workload; every round inserts one row on each pair's A.
 */
final class AutoSyncLatencyWorkload implements Workload {

    private static final String INTERVAL = "interval";
    private static final String LONG_POLL = "long-poll";
    private static final Duration DEBOUNCE = Duration.ofMillis(50);
    private static final Duration PULL_INTERVAL = Duration.ofSeconds(1);
    private static final Duration GENEROUS = Duration.ofMinutes(2);
    private static final String CREATE = "CREATE TABLE IF NOT EXISTS latency (id INTEGER PRIMARY KEY, at INTEGER)";

    @Override
    public String name() {
        return "autosync-latency";
    }

    @Override
    public WorkloadResult run(BenchContext context) throws Exception {
        LocalSyncServer plain = context.emptyRemote("autosync-interval");
        LocalSyncServer behindGateway = context.emptyRemote("autosync-long-poll");
        List<AutoCloseable> resources = new ArrayList<>();
        try (CloudGateway gateway = CloudGateway.builder(behindGateway.port()).start()) {
            String token = gateway.token(CloudGateway.Access.READ_WRITE);
            Pair interval = pair(context, INTERVAL, builder -> builder.url(plain.url()), resources);
            Pair longPoll = pair(context, LONG_POLL, builder -> builder.url(gateway.libsqlUrl())
                    .trustCertificates(gateway.certificate()).authToken(token)
                    .longPollTimeout(Duration.ofSeconds(30)), resources);
            Map<String, Samples> samples = Rounds.variants("A->B latency", context, List.of(INTERVAL, LONG_POLL),
                    round -> {
                    }, (variant, round) -> (variant.equals(INTERVAL) ? interval : longPoll).oneRow(round + 1));
            Samples byInterval = samples.get(INTERVAL);
            Samples byLongPoll = samples.get(LONG_POLL);
            System.out.println("  gateway: " + gateway.counts());
            return new WorkloadResult(List.of(
                    new ResultRow("autoSync A->B latency, pull interval 1 s, debounce 50 ms, tursodb directly", "ms",
                            Map.of(Report.JAVA, byInterval), "Java only; from A's commit to B's change event"),
                    new ResultRow("autoSync A->B latency, long poll 30 s, debounce 50 ms, through CloudGateway", "ms",
                            Map.of(Report.JAVA, byLongPoll), String.format(Locale.ROOT,
                            "Java only; TLS + token; long poll/interval = %s",
                            Report.ratio(byLongPoll.median() / byInterval.median())))), List.of());
        } finally {
            for (int i = resources.size() - 1; i >= 0; i--) {
                resources.get(i).close();
            }
        }
    }

    private static Pair pair(BenchContext context, String name,
                             UnaryOperator<SyncClient.Builder> remote, List<AutoCloseable> resources) {
        SyncClient a = open(context, name + "-a", remote);
        resources.add(() -> a.close().block(GENEROUS));
        SyncClient b = open(context, name + "-b", remote);
        resources.add(() -> b.close().block(GENEROUS));
        JavaSide.execLocal(a, CREATE);
        a.push().block(GENEROUS);
        b.pullChanges().then().block(GENEROUS);
        AutoSyncOptions options = AutoSyncOptions.builder().pushDebounce(DEBOUNCE).pullInterval(PULL_INTERVAL)
                .build();
        Disposable syncA = a.autoSync(options);
        resources.add(syncA::dispose);
        Disposable syncB = b.autoSync(options);
        resources.add(syncB::dispose);
        return new Pair(a, b);
    }

    private static SyncClient open(BenchContext context, String name,
                                   UnaryOperator<SyncClient.Builder> remote) {
        SyncClient client = remote.apply(SyncClient.builder()
                        .path(context.freshDirectory("autosync-" + name).resolve("replica.db"))
                        .clientName("bench-" + name).responseTimeout(GENEROUS))
                .build();
        client.open().block(GENEROUS);
        return client;
    }

    /** Two replicas of one remote, both under autoSync. */
    private record Pair(SyncClient a, SyncClient b) {

        /** Inserts row {@code id} on A and returns the milliseconds until B's event for it. */
        double oneRow(long id) {
            Mono<Long> seen = b.changes().filter(event -> "latency".equals(event.table())
                            && Long.valueOf(id).equals(event.rowid()))
                    .next().map(event -> System.nanoTime()).cache();
            seen.subscribe();
            JavaSide.execLocal(a, "INSERT INTO latency VALUES (" + id + ", 0)");
            long committed = System.nanoTime();
            Long arrived = seen.block(GENEROUS);
            return (arrived - committed) / 1e6;
        }
    }
}
