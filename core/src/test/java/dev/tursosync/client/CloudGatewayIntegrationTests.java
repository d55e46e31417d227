package dev.tursosync.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tursosync.AutoSyncOptions;
import dev.tursosync.ChangeEvent;
import dev.tursosync.RetryOptions;
import dev.tursosync.SyncAuthenticationException;
import dev.tursosync.SyncClient;
import dev.tursosync.SyncTlsException;
import dev.tursosync.testing.CloudGateway;
import dev.tursosync.testing.FaultConfig;
import dev.tursosync.testing.FaultKind;
import dev.tursosync.testing.FaultProxy;
import dev.tursosync.testing.GatewayEvent;
import dev.tursosync.testing.LocalSyncServer;
import dev.tursosync.testing.RevisionStyle;
import dev.tursosync.testing.TursoServerExtension;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * The client against {@link CloudGateway} in front of the real server: TLS with a certificate the client trusts by
 * file, {@code libsql://} URLs, Ed25519 JWTs that expire and are refreshed, 401 and 403, long polls that hold, wake
 * up, time out and are cancelled, many requests at once over keep-alive connections, and revisions in other shapes.
 * Every wait is on a gateway event or an operation's end, never on time.
 */
@ExtendWith(TursoServerExtension.class)
final class CloudGatewayIntegrationTests {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private final LocalSyncServer server;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final List<SyncClient> clients = new ArrayList<>();
    @TempDir
    Path dir;

    CloudGatewayIntegrationTests(LocalSyncServer server) {
        this.server = server;
    }

    @AfterEach
    void closeAll() throws Exception {
        clients.forEach(client -> client.close().onErrorResume(error -> Mono.empty()).block(WAIT));
        for (AutoCloseable resource : resources) {
            resource.close();
        }
    }

    private CloudGateway gateway(CloudGateway.Builder builder) {
        CloudGateway gateway = builder.start();
        resources.add(gateway);
        return gateway;
    }

    private CloudGateway gateway() {
        return gateway(CloudGateway.builder(server.port()));
    }

    private SyncClient.Builder builder(CloudGateway gateway, String name) {
        return SyncClient.builder().path(dir.resolve(name + ".db")).url(gateway.libsqlUrl())
                .trustCertificates(gateway.certificate()).clientName(name);
    }

    private SyncClient open(SyncClient.Builder builder) {
        SyncClient client = builder.build();
        clients.add(client);
        client.open().block(WAIT);
        return client;
    }

    private static String table(String prefix) {
        return prefix + "_" + Long.toHexString(System.nanoTime());
    }

    private static <T> Mono<T> started(Mono<T> signal) {
        Mono<T> cached = signal.cache();
        cached.subscribe(value -> { }, error -> { });
        return cached;
    }

    private static Mono<GatewayEvent> next(CloudGateway gateway, GatewayEvent event) {
        return started(gateway.events().filter(event::equals).next());
    }

    @ParameterizedTest
    @EnumSource(RevisionStyle.class)
    void pushPullRebaseAndCheckpointOverTlsWithOpaqueRevisions(RevisionStyle style) {
        CloudGateway gateway = gateway(CloudGateway.builder(server.port()).revisions(style));
        String token = gateway.token(CloudGateway.Access.READ_WRITE, Duration.ofHours(1));
        String table = table("flow");
        SyncClient a = open(builder(gateway, "a-" + style).authToken(token));
        SyncClient b = open(builder(gateway, "b-" + style).authToken(token));
        LocalSql.execute(a, "CREATE TABLE " + table + " (id INTEGER PRIMARY KEY, v TEXT)");
        LocalSql.execute(a, "INSERT INTO " + table + " VALUES (1, 'from a')");
        assertThat(a.push().block(WAIT).changesPushed()).isPositive();

        List<ChangeEvent> pulled = b.pullChanges().collectList().block(WAIT);
        assertThat(pulled).anyMatch(event -> event.table().equals(table));
        String revision = b.stats().block(WAIT).revision();
        switch (style) {
            case AS_IS -> assertThat(revision).containsOnlyDigits();
            case JSON_OBJECT -> assertThat(revision).startsWith("{\"generation\":1,\"wal_fragment_no\":");
            case BASE64 -> assertThat(revision).hasSizeGreaterThan(80).matches("[A-Za-z0-9+/=]+");
        }

        // both write: b's sync pushes its row and rebases it on a's
        LocalSql.execute(a, "INSERT INTO " + table + " VALUES (2, 'a again')");
        LocalSql.execute(b, "INSERT INTO " + table + " VALUES (3, 'from b')");
        a.push().block(WAIT);
        b.sync().block(WAIT);
        a.pullChanges().collectList().block(WAIT);
        List<List<Object>> expected = List.of(List.of(1L, "from a"), List.of(2L, "a again"), List.of(3L, "from b"));
        assertThat(LocalSql.query(a, "SELECT id, v FROM " + table + " ORDER BY id")).isEqualTo(expected);
        assertThat(LocalSql.query(b, "SELECT id, v FROM " + table + " ORDER BY id")).isEqualTo(expected);

        // the opaque revision survives a checkpoint and a reopen (metadata), and the next pull uses it
        b.checkpoint().block(WAIT);
        String before = b.stats().block(WAIT).revision();
        b.close().block(WAIT);
        clients.remove(b);
        SyncClient reopened = open(builder(gateway, "b-" + style).authToken(token));
        assertThat(reopened.stats().block(WAIT).revision()).isEqualTo(before);
        LocalSql.execute(a, "INSERT INTO " + table + " VALUES (4, 'after reopen')");
        a.push().block(WAIT);
        assertThat(reopened.pullChanges().collectList().block(WAIT))
                .anyMatch(event -> event.table().equals(table) && Long.valueOf(4).equals(event.rowid()));
        assertThat(reopened.stats().block(WAIT).revision()).isNotEqualTo(before);
        assertThat(gateway.counts().unauthorized()).isZero();
    }

    @Test
    void autoSyncWithLongPollDeliversAWriteWithoutWaitingForThePullInterval() {
        CloudGateway gateway = gateway();
        String token = gateway.token(CloudGateway.Access.READ_WRITE);
        String table = table("live");
        SyncClient a = open(builder(gateway, "live-a").authToken(token).longPollTimeout(Duration.ofSeconds(20))
                .responseTimeout(Duration.ofSeconds(5)));
        SyncClient b = open(builder(gateway, "live-b").authToken(token).longPollTimeout(Duration.ofSeconds(20))
                .responseTimeout(Duration.ofSeconds(5)));
        LocalSql.execute(a, "CREATE TABLE " + table + " (id INTEGER PRIMARY KEY, writer TEXT)");
        a.push().block(WAIT);
        b.pullChanges().collectList().block(WAIT);
        // a pull interval of ten minutes: only long poll can bring a write over within the test's wait
        Duration interval = Duration.ofMinutes(10);
        AutoSyncOptions options = AutoSyncOptions.builder().pullInterval(interval)
                .pushDebounce(Duration.ofMillis(50)).build();
        Disposable syncA = a.autoSync(options);
        Disposable syncB = b.autoSync(options);
        List<Long> latencies = new ArrayList<>();
        try {
            for (int round = 1; round <= 4; round++) {
                boolean aWrites = round % 2 == 1;
                long rowid = round;
                Mono<ChangeEvent> seen = started((aWrites ? b : a).changes()
                        .filter(event -> table.equals(event.table()) && Long.valueOf(rowid).equals(event.rowid()))
                        .next());
                long start = System.nanoTime();
                LocalSql.execute(aWrites ? a : b, "INSERT INTO " + table + " VALUES (" + round + ", '"
                        + (aWrites ? "a" : "b") + "')");
                assertThat(seen.block(interval.dividedBy(4))).as("round %d", round).isNotNull();
                latencies.add((System.nanoTime() - start) / 1_000_000);
            }
        } finally {
            syncA.dispose();
            syncB.dispose();
        }
        CloudGateway.Counts counts = gateway.counts();
        assertThat(counts.longPollsHeld()).isPositive();
        assertThat(counts.longPollsWoken()).isPositive();
        System.out.println("autoSync with long poll, A->B latencies (ms): " + latencies + "; gateway " + counts);
    }

    @Test
    void aLongPollLongerThanTheResponseTimeoutEndsWithoutATimeout() {
        CloudGateway gateway = gateway();
        String token = gateway.token(CloudGateway.Access.READ_WRITE);
        SyncClient client = open(builder(gateway, "patient").authToken(token)
                .longPollTimeout(Duration.ofSeconds(3)).responseTimeout(Duration.ofSeconds(1))
                .retry(RetryOptions.none()));
        Mono<GatewayEvent> timedOut = next(gateway, GatewayEvent.LONG_POLL_TIMED_OUT);
        assertThat(client.pullChanges().collectList().block(WAIT)).isEmpty();
        assertThat(timedOut.block(WAIT)).isEqualTo(GatewayEvent.LONG_POLL_TIMED_OUT);
    }

    @Test
    void aCancelledLongPollFreesItsConnectionAndTheNextPullWorks() {
        CloudGateway gateway = gateway();
        String token = gateway.token(CloudGateway.Access.READ_WRITE);
        String table = table("cancel");
        SyncClient client = open(builder(gateway, "cancel").authToken(token).longPollTimeout(Duration.ofMinutes(5)));
        Mono<GatewayEvent> held = next(gateway, GatewayEvent.LONG_POLL_HELD);
        Mono<GatewayEvent> cancelled = next(gateway, GatewayEvent.LONG_POLL_CANCELLED);
        Disposable pull = client.pullChanges().subscribe();
        held.block(WAIT);
        pull.dispose();
        assertThat(cancelled.block(WAIT)).isEqualTo(GatewayEvent.LONG_POLL_CANCELLED);

        // the next pull is held, and woken by a write from another client through the gateway
        Mono<GatewayEvent> heldAgain = next(gateway, GatewayEvent.LONG_POLL_HELD);
        Mono<List<ChangeEvent>> nextPull = started(client.pullChanges().collectList());
        heldAgain.block(WAIT);
        SyncClient writer = open(builder(gateway, "cancel-writer").authToken(token));
        LocalSql.execute(writer, "CREATE TABLE " + table + " (id INTEGER PRIMARY KEY)");
        LocalSql.execute(writer, "INSERT INTO " + table + " VALUES (7)");
        writer.push().block(WAIT);
        assertThat(nextPull.block(WAIT)).isNotEmpty();
        assertThat(LocalSql.query(client, "SELECT id FROM " + table)).containsExactly(List.of(7L));
    }

    @Test
    void manyRequestsAtOnceShareKeepAliveConnections() {
        CloudGateway gateway = gateway();
        String token = gateway.token(CloudGateway.Access.READ_WRITE);
        String table = table("crowd");
        int readers = 4;
        List<SyncClient> waiting = new ArrayList<>();
        for (int i = 0; i < readers; i++) {
            waiting.add(open(builder(gateway, "crowd-" + i).authToken(token).longPollTimeout(Duration.ofMinutes(5))));
        }
        Mono<List<GatewayEvent>> allHeld = started(gateway.events()
                .filter(GatewayEvent.LONG_POLL_HELD::equals).take(readers).collectList());
        List<Mono<List<ChangeEvent>>> pulls = waiting.stream()
                .map(client -> started(client.pullChanges().collectList())).toList();
        allHeld.block(WAIT);
        assertThat(gateway.counts().maxConcurrent()).isGreaterThanOrEqualTo(readers);

        SyncClient writer = open(builder(gateway, "crowd-writer").authToken(token));
        LocalSql.execute(writer, "CREATE TABLE " + table + " (id INTEGER PRIMARY KEY)");
        long before = gateway.counts().connections();
        long requestsBefore = gateway.counts().requests();
        int pushes = 10;
        for (int i = 1; i <= pushes; i++) {
            LocalSql.execute(writer, "INSERT INTO " + table + " VALUES (" + i + ")");
            writer.push().block(WAIT);
        }
        pulls.forEach(pull -> assertThat(pull.block(WAIT)).isNotEmpty());
        long writerRequests = gateway.counts().requests() - requestsBefore;
        long newConnections = gateway.counts().connections() - before;
        // the first push reads the position, then every push sends its batch
        assertThat(writerRequests).isGreaterThanOrEqualTo(pushes + 1);
        assertThat(newConnections).as("connections opened for %d requests", writerRequests)
                .isLessThan(writerRequests / 2);
    }

    @Test
    void aWrongTokenFailsWithAuthenticationExceptionWithoutBlindRetries() {
        CloudGateway gateway = gateway();
        CloudGateway other = gateway();
        String foreign = other.token(CloudGateway.Access.READ_WRITE);
        SyncClient client = builder(gateway, "wrong").authToken(foreign).build();
        clients.add(client);
        assertThatThrownBy(() -> client.open().block(WAIT))
                .isInstanceOfSatisfying(SyncAuthenticationException.class, error -> {
                    assertThat(error.status()).isEqualTo(401);
                    assertThat(error.getMessage()).contains("Unauthorized: invalid token signature")
                            .doesNotContain(foreign);
                    assertThat(error.isTransient()).isFalse();
                });
        assertThat(gateway.counts().unauthorized()).isEqualTo(1);
    }

    @Test
    void aReadOnlyTokenPullsButCannotPush() {
        CloudGateway gateway = gateway();
        String table = table("ro");
        SyncClient writer = open(builder(gateway, "ro-writer").authToken(gateway.token(CloudGateway.Access.READ_WRITE)));
        LocalSql.execute(writer, "CREATE TABLE " + table + " (id INTEGER PRIMARY KEY)");
        writer.push().block(WAIT);
        SyncClient reader = open(builder(gateway, "ro-reader").authToken(gateway.token(CloudGateway.Access.READ_ONLY)));
        assertThat(LocalSql.query(reader, "SELECT count(*) FROM " + table)).containsExactly(List.of(0L));
        LocalSql.execute(reader, "INSERT INTO " + table + " VALUES (1)");
        assertThatThrownBy(() -> reader.push().block(WAIT))
                .isInstanceOfSatisfying(SyncAuthenticationException.class,
                        error -> assertThat(error.status()).isEqualTo(403));
        assertThat(gateway.counts().forbidden()).isEqualTo(1);
    }

    @Test
    void aTokenThatExpiresMidRunIsReplacedByTheSupplier() {
        SettableClock clock = new SettableClock(Instant.parse("2026-12-01T00:00:00Z"));
        CloudGateway gateway = gateway(CloudGateway.builder(server.port()).clock(clock));
        String table = table("expiry");
        AtomicInteger minted = new AtomicInteger();
        AtomicReference<String> firstToken = new AtomicReference<>();
        // what an application does: keep the token until it expires, then ask the issuer for another
        Supplier<Mono<String>> tokens = new Supplier<>() {
            private String token;
            private Instant expires = Instant.MIN;

            @Override
            public Mono<String> get() {
                return Mono.fromSupplier(() -> {
                    synchronized (this) {
                        if (!clock.instant().isBefore(expires)) {
                            token = gateway.token(CloudGateway.Access.READ_WRITE, Duration.ofMinutes(1));
                            expires = clock.instant().plus(Duration.ofMinutes(1));
                            firstToken.compareAndSet(null, token);
                            minted.incrementAndGet();
                        }
                        return token;
                    }
                });
            }
        };
        SyncClient client = open(builder(gateway, "expiry").authToken(tokens));
        LocalSql.execute(client, "CREATE TABLE " + table + " (id INTEGER PRIMARY KEY)");
        client.sync().block(WAIT);
        assertThat(minted.get()).isEqualTo(1);

        clock.advance(Duration.ofMinutes(2));
        SyncClient stale = builder(gateway, "stale").authToken(firstToken.get()).build();
        clients.add(stale);
        assertThatThrownBy(() -> stale.open().block(WAIT)).isInstanceOf(SyncAuthenticationException.class)
                .hasMessageContaining("token expired");

        LocalSql.execute(client, "INSERT INTO " + table + " VALUES (1)");
        assertThat(client.sync().block(WAIT).push().changesPushed()).isPositive();
        assertThat(minted.get()).isEqualTo(2);
        assertThat(gateway.counts().unauthorized()).isEqualTo(1);
    }

    @Test
    void afterA401TheClientAsksTheSupplierOnceMore() {
        SettableClock clock = new SettableClock(Instant.parse("2026-12-01T00:00:00Z"));
        CloudGateway gateway = gateway(CloudGateway.builder(server.port()).clock(clock));
        String expired = gateway.token(CloudGateway.Access.READ_WRITE, Duration.ofMinutes(1));
        clock.advance(Duration.ofMinutes(5));
        // a token source whose cached token has already expired on the server; the next call gets a fresh one
        Deque<String> handedOut = new ArrayDeque<>(List.of(expired));
        AtomicInteger calls = new AtomicInteger();
        SyncClient client = open(builder(gateway, "refresh").authToken(() -> Mono.fromSupplier(() -> {
            calls.incrementAndGet();
            String next = handedOut.poll();
            return next != null ? next : gateway.token(CloudGateway.Access.READ_WRITE, Duration.ofMinutes(1));
        })));
        assertThat(client.stats().block(WAIT).revision()).isNotNull();
        assertThat(gateway.counts().unauthorized()).isEqualTo(1);
        assertThat(calls.get()).isGreaterThanOrEqualTo(2);

        // a source that only has expired tokens: one more try, then the typed error
        SyncClient hopeless = builder(gateway, "hopeless").authToken(() -> Mono.just(expired)).build();
        clients.add(hopeless);
        long before = gateway.counts().unauthorized();
        assertThatThrownBy(() -> hopeless.open().block(WAIT)).isInstanceOf(SyncAuthenticationException.class);
        assertThat(gateway.counts().unauthorized() - before).isEqualTo(2);
    }

    @Test
    void anUntrustedCertificateFailsWithATlsErrorAndIsNotRetried() {
        CloudGateway gateway = gateway();
        SyncClient client = SyncClient.builder().path(dir.resolve("untrusted.db")).url(gateway.libsqlUrl())
                .authToken(gateway.token(CloudGateway.Access.READ_WRITE)).build();
        clients.add(client);
        assertThatThrownBy(() -> client.open().block(WAIT))
                .isInstanceOfSatisfying(SyncTlsException.class, error -> {
                    assertThat(error.getMessage()).contains("TLS handshake failed").contains("trustCertificates");
                    assertThat(error.isTransient()).isFalse();
                });
        assertThat(gateway.counts().requests()).isZero();
    }

    @Test
    void theEncryptionKeyAndCipherAreSentOnEveryRequest() {
        CloudGateway gateway = gateway();
        SyncClient client = open(builder(gateway, "cipher").authToken(gateway.token(CloudGateway.Access.READ_WRITE))
                .encryptionKey("c2VjcmV0LWtleS0xMjM0NTY3ODkwMTIzNDU2Nzg5MA==", "aegis256"));
        client.sync().block(WAIT);
        CloudGateway.Counts counts = gateway.counts();
        assertThat(counts.encryptionKeyHeaders()).isEqualTo(counts.requests()).isPositive();
        assertThat(gateway.lastEncryptionCipher()).contains("aegis256");
    }

    @Test
    void underFaultsBehindTheGatewayPushesLandExactlyOnce() {
        long seed = Long.getLong("tursosync.gateway.seed", System.nanoTime());
        System.out.println("CloudGatewayIntegrationTests fault seed: " + seed
                + " (replay with -Dtursosync.gateway.seed=" + seed + ")");
        FaultConfig faults = FaultConfig.builder().probability(FaultKind.RESET_RESPONSE, 0.15)
                .probability(FaultKind.CUT_RESPONSE, 0.1).build();
        FaultProxy proxy = new FaultProxy(server.port(), seed, faults);
        resources.add(proxy);
        CloudGateway gateway = gateway(CloudGateway.builder(proxy.port()).revisions(RevisionStyle.BASE64));
        String token = gateway.token(CloudGateway.Access.READ_WRITE);
        String table = table("faulty");
        RetryOptions patient = RetryOptions.builder().maxRetries(50).firstBackoff(Duration.ofMillis(10))
                .maxBackoff(Duration.ofMillis(100)).build();
        proxy.faultsOn(false);
        SyncClient a = open(builder(gateway, "faulty-a").authToken(token).retry(patient));
        SyncClient b = open(builder(gateway, "faulty-b").authToken(token).retry(patient));
        LocalSql.execute(a, "CREATE TABLE " + table + " (id INTEGER PRIMARY KEY, v TEXT)");
        a.push().block(WAIT);
        proxy.faultsOn(true);
        for (int i = 1; i <= 10; i++) {
            LocalSql.execute(a, "INSERT INTO " + table + " VALUES (" + i + ", 'x')");
            LocalSql.execute(a, "UPDATE " + table + " SET v = v || 'y'");
            a.sync().block(WAIT);
            b.sync().block(WAIT);
        }
        proxy.faultsOn(false);
        a.sync().block(WAIT);
        b.sync().block(WAIT);
        List<List<Object>> onA = LocalSql.query(a, "SELECT id, v FROM " + table + " ORDER BY id");
        assertThat(onA).hasSize(10);
        assertThat(onA.get(0)).isEqualTo(List.of(1L, "x" + "y".repeat(10)));
        assertThat(LocalSql.query(b, "SELECT id, v FROM " + table + " ORDER BY id")).isEqualTo(onA);
        System.out.println("faults injected behind the gateway: " + proxy.counts());
    }

    /** A clock a test moves by hand. */
    private static final class SettableClock extends Clock {

        private volatile Instant now;

        SettableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
