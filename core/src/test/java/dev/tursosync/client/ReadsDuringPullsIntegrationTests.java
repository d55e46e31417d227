package dev.tursosync.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tursosync.internal.client.DefaultSyncClient;
import dev.tursosync.testing.LocalSyncServer;
import dev.tursosync.testing.TursoServerExtension;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Readers running while pulls apply pages never see a torn state: the remote only moves money between accounts,
 * so every read must see the same total and the same number of accounts.
 */
@ExtendWith(TursoServerExtension.class)
final class ReadsDuringPullsIntegrationTests {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int ACCOUNTS = 400;
    private static final long TOTAL = ACCOUNTS * 1_000L;
    private static final int PULLS = 30;

    @Test
    void everyReadSeesAConsistentSnapshot(LocalSyncServer server, @TempDir Path dir) {
        Random random = new Random(42);
        try (RemoteSql remote = new RemoteSql(server.url())) {
            remote.transaction("CREATE TABLE accounts (id INTEGER PRIMARY KEY, balance INTEGER, note TEXT)",
                    "INSERT INTO accounts SELECT value, 1000, printf('%.*c', 300, 'x') FROM generate_series(1, "
                            + ACCOUNTS + ")");
            DefaultSyncClient client = (DefaultSyncClient) SyncClientsForTests.open(dir.resolve("bank.db"),
                    server.url());
            try {
                AtomicBoolean pulling = new AtomicBoolean(true);
                AtomicLong reads = new AtomicLong();
                ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
                Mono<Void> readers = Flux.range(0, 4)
                        .flatMap(reader -> Flux.<Long>generate(sink -> sink.next(0L))
                                .takeWhile(ignored -> pulling.get())
                                .concatMap(ignored -> client.connections().withConnection(connection -> {
                                    try (ResultSet row = connection.createStatement().executeQuery(
                                            "SELECT sum(balance), count(*) FROM accounts")) {
                                        row.next();
                                        return List.of(row.getLong(1), row.getLong(2));
                                    }
                                }))
                                .doOnNext(seen -> {
                                    reads.incrementAndGet();
                                    if (seen.get(0) != TOTAL || seen.get(1) != ACCOUNTS) {
                                        violations.add("saw total " + seen.get(0) + " over " + seen.get(1));
                                    }
                                }), 4)
                        .then()
                        .subscribeOn(Schedulers.boundedElastic());
                Mono<Void> writerAndPulls = Flux.range(0, PULLS)
                        .concatMap(round -> Mono.fromRunnable(() -> transfers(remote, random))
                                .subscribeOn(Schedulers.boundedElastic())
                                .thenMany(client.pullChanges())
                                .then())
                        .doFinally(signal -> pulling.set(false))
                        .then();

                Mono.when(readers, writerAndPulls).block(Duration.ofMinutes(3));

                assertThat(violations).isEmpty();
                assertThat(reads.get()).as("reads that overlapped the pulls").isGreaterThan(PULLS);
                System.out.println("reads during " + PULLS + " pulls: " + reads.get());
            } finally {
                client.close().block(WAIT);
            }
        }
    }

    private static void transfers(RemoteSql remote, Random random) {
        String[] statements = new String[2 * (1 + random.nextInt(20))];
        for (int i = 0; i < statements.length; i += 2) {
            int from = 1 + random.nextInt(ACCOUNTS);
            int to = 1 + random.nextInt(ACCOUNTS);
            int amount = random.nextInt(100);
            statements[i] = "UPDATE accounts SET balance = balance - " + amount + ", note = printf('%.*c', "
                    + random.nextInt(3000) + ", 'y') WHERE id = " + from;
            statements[i + 1] = "UPDATE accounts SET balance = balance + " + amount + " WHERE id = " + to;
        }
        remote.transaction(statements);
    }
}
