package dev.tursosync.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.tursosync.RetryOptions;
import dev.tursosync.SyncClient;
import dev.tursosync.SyncStatus;
import dev.tursosync.testing.LocalSyncServer;
import dev.tursosync.testing.TursoServerExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.Disposable;

/**
 * A hostile server: a proxy in front of the real {@code tursodb --sync-server} rewrites one bootstrap, pull, push or
 * push-position reply per test, as {@link HostileAttacks} names. For each attack the client must fail with the typed
 * error the attack expects, with no secret in any message or status; the replica must pass {@code integrity_check}
 * and keep its pending change; the next real pull must work; the change must reach the remote exactly once; and
 * after {@code close()} no file descriptor of the replica may stay open, and a new client in the same JVM must read it.
 * A failed bootstrap must leave no file at all.
 */
@ExtendWith(TursoServerExtension.class)
final class HostileServerIntegrationTests {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final AtomicInteger ROUND = new AtomicInteger();
    private static final String ROW_TEXT = "r".repeat(200);
    private static final String BIG_TEXT = "b".repeat(12_000);
    private static final int NEW_ROWS = 60;

    private final LocalSyncServer server;
    private final List<SyncClient> clients = new ArrayList<>();
    private final List<Disposable> watches = new ArrayList<>();
    private RemoteSql remote;
    private RewritingProxy proxy;
    @TempDir
    Path dir;

    HostileServerIntegrationTests(LocalSyncServer server) {
        this.server = server;
    }

    static Stream<Arguments> attacks() {
        return HostileAttacks.all().stream().map(attack -> Arguments.of(Named.of(attack.toString(), attack)));
    }

    @BeforeEach
    void start() throws IOException {
        remote = new RemoteSql(server.url());
        proxy = new RewritingProxy(server.url());
        synchronized (ROUND) {
            if (remote.query("SELECT count(*) FROM sqlite_schema WHERE name = 'base'").equals(List.of(List.of(0L)))) {
                remote.transaction("CREATE TABLE base (id INTEGER PRIMARY KEY, v TEXT)",
                        "CREATE INDEX base_v ON base (v)", rows("base", 1, NEW_ROWS),
                        "INSERT INTO base (id, v) VALUES (500, '" + BIG_TEXT + "')");
            }
        }
    }

    @AfterEach
    void stop() throws IOException {
        watches.forEach(Disposable::dispose);
        clients.forEach(client -> client.close().block(WAIT));
        proxy.close();
        remote.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attacks")
    void theClientRefusesTheReplyAndStaysWhole(HostileAttacks.Attack attack) throws IOException {
        switch (attack.target()) {
            case BOOTSTRAP -> bootstrap(attack);
            case PULL -> pull(attack);
            case PUSH, POSITION -> push(attack);
            default -> throw new IllegalStateException(attack.toString());
        }
    }

    private void bootstrap(HostileAttacks.Attack attack) throws IOException {
        Path path = dir.resolve("boot.db");
        proxy.arm(request -> request.path().endsWith("/pull-updates"), attack.rewrite());
        SyncClient client = build(path);
        List<SyncStatus> statuses = watch(client);
        Throwable error = catchThrowable(() -> client.open().block(WAIT));
        assertThat(proxy.fired()).as("the attack fired").isEqualTo(1);
        assertTyped(error, attack, statuses);
        client.close().block(WAIT);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(file -> file.getFileName().toString()))
                    .as("a failed bootstrap leaves no file but the owner lock's, which holds no data")
                    .noneMatch(name -> name.startsWith("boot.db") && !name.equals("boot.db-lock"));
        }
        assertThat(OpenFiles.under(dir)).as("open files after close").isEmpty();

        proxy.disarm();
        SyncClient again = open(path);
        assertThat(LocalSql.query(again, "PRAGMA integrity_check")).containsExactly(List.of("ok"));
        assertThat(LocalSql.query(again, "SELECT count(*) FROM base WHERE id <= " + NEW_ROWS))
                .containsExactly(List.of((long) NEW_ROWS));
    }

    /** A replica with one pending local change, and the status it reports from now on. */
    private record Pending(Path path, SyncClient client, int round, long localId, List<SyncStatus> statuses) {
    }

    private Pending pending() {
        Path path = dir.resolve("replica.db");
        SyncClient client = open(path);
        int round = ROUND.incrementAndGet();
        long localId = 1_000_000L + round;
        LocalSql.execute(client, "INSERT INTO base (id, v) VALUES (" + localId + ", 'pending-" + round + "')");
        return new Pending(path, client, round, localId, watch(client));
    }

    private void pull(HostileAttacks.Attack attack) throws IOException {
        Pending pending = pending();
        SyncClient client = pending.client();
        int round = pending.round();
        long localId = pending.localId();
        remoteRound(round);

        proxy.arm(request -> request.path().endsWith("/pull-updates"), attack.rewrite());
        Throwable error = catchThrowable(() -> client.pullChanges().collectList().block(WAIT));
        assertThat(proxy.fired()).as("the attack fired").isEqualTo(1);
        assertTyped(error, attack, pending.statuses());
        assertIntact(client, localId);
        assertThat(LocalSql.query(client, "SELECT count(*) FROM sqlite_schema WHERE name = 'r_" + round + "'"))
                .as("nothing of the refused pull is visible").containsExactly(List.of(0L));

        proxy.disarm();
        client.pullChanges().collectList().block(WAIT);
        assertThat(LocalSql.query(client, "SELECT count(*) FROM r_" + round)).containsExactly(List.of(NEW_ROWS + 1L));
        assertThat((String) LocalSql.query(client, "SELECT v FROM base WHERE id = 1").get(0).get(0))
                .as("the updated row").matches("u" + round + "[ur].*");
        client.push().block(WAIT);
        assertPushedOnce(localId);
        closeAndReopen(client, pending.path(), localId);
    }

    private void push(HostileAttacks.Attack attack) throws IOException {
        Pending pending = pending();
        SyncClient client = pending.client();
        long localId = pending.localId();
        Predicate<RewritingProxy.Request> matches = attack.target() == HostileAttacks.Target.POSITION
                ? request -> request.text().contains("SELECT pull_gen, change_id FROM")
                : request -> request.text().contains("BEGIN IMMEDIATE")
                        && request.text().contains("INSERT INTO turso_sync_last_change_id");

        proxy.arm(matches, attack.rewrite());
        Throwable error = catchThrowable(() -> client.push().block(WAIT));
        assertThat(proxy.fired()).as("the attack fired").isEqualTo(1);
        assertTyped(error, attack, pending.statuses());
        assertIntact(client, localId);
        assertThat(client.stats().block(WAIT).pendingChanges()).as("the batch counts as not pushed").isPositive();

        proxy.disarm();
        client.push().block(WAIT);
        assertPushedOnce(localId);
        client.pullChanges().collectList().block(WAIT);
        assertThat(client.stats().block(WAIT).pendingChanges()).isZero();
        closeAndReopen(client, pending.path(), localId);
    }

    // ---- checks ----------------------------------------------------------------------------------------------

    private static void assertTyped(Throwable error, HostileAttacks.Attack attack, List<SyncStatus> statuses) {
        assertThat(error).as("the error of %s", attack).isInstanceOf(attack.expected());
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            assertNoSecret(String.valueOf(cause.getMessage()));
        }
        for (SyncStatus status : statuses) {
            status.error().ifPresent(failure -> assertNoSecret(String.valueOf(failure.getMessage())));
        }
    }

    /** No piece of the token of 8 characters or more. */
    static void assertNoSecret(String text) {
        for (int i = 0; i + 8 <= HostileAttacks.TOKEN.length(); i++) {
            assertThat(text).as("a message").doesNotContain(HostileAttacks.TOKEN.substring(i, i + 8));
        }
    }

    private static void assertIntact(SyncClient client, long localId) {
        assertThat(LocalSql.query(client, "PRAGMA integrity_check")).containsExactly(List.of("ok"));
        assertThat(LocalSql.query(client, "SELECT count(*) FROM base WHERE id = " + localId))
                .as("the pending change").containsExactly(List.of(1L));
    }

    private void assertPushedOnce(long localId) {
        assertThat(remote.query("SELECT count(*) FROM base WHERE id = " + localId)).as("pushed exactly once")
                .containsExactly(List.of(1L));
    }

    private void closeAndReopen(SyncClient client, Path path, long localId) throws IOException {
        client.close().block(WAIT);
        clients.remove(client);
        assertThat(OpenFiles.under(dir)).as("open files after close").isEmpty();
        SyncClient again = open(path);
        assertThat(LocalSql.query(again, "PRAGMA integrity_check")).containsExactly(List.of("ok"));
        assertThat(LocalSql.query(again, "SELECT count(*) FROM base WHERE id = " + localId))
                .containsExactly(List.of(1L));
        again.pullChanges().collectList().block(WAIT);
    }

    // ---- set-up ----------------------------------------------------------------------------------------------

    /** A remote transaction that makes the next pull hold every kind of page: a new table (a new root in page 1,
     *  an interior page, leaves, an overflow chain), its index (NOCASE and DESC columns: interior and leaf index
     *  pages) and an updated leaf of the existing table, whose index {@code base_v} changes with it. */
    private void remoteRound(int round) {
        String table = "r_" + round;
        remote.transaction("CREATE TABLE " + table + " (id INTEGER PRIMARY KEY, v TEXT)",
                "CREATE INDEX " + table + "_ix ON " + table + " (v COLLATE NOCASE, id DESC)",
                rows(table, 1, NEW_ROWS),
                "INSERT INTO " + table + " (id, v) VALUES (" + (NEW_ROWS + 1) + ", '" + BIG_TEXT + "')",
                "UPDATE base SET v = 'u" + round + "' || substr(v, 1, 100) WHERE id = 1");
    }

    private static String rows(String table, int from, int to) {
        StringBuilder sql = new StringBuilder("INSERT INTO " + table + " (id, v) VALUES ");
        for (int id = from; id <= to; id++) {
            sql.append(id == from ? "" : ", ").append("(").append(id).append(", '").append(ROW_TEXT).append("')");
        }
        return sql.toString();
    }

    private SyncClient build(Path path) {
        SyncClient client = SyncClient.builder().path(path).url(proxy.url()).authToken(HostileAttacks.TOKEN)
                .clientName("hostile").retry(RetryOptions.none()).build();
        clients.add(client);
        return client;
    }

    private SyncClient open(Path path) {
        SyncClient client = build(path);
        client.open().block(WAIT);
        return client;
    }

    private List<SyncStatus> watch(SyncClient client) {
        List<SyncStatus> statuses = new CopyOnWriteArrayList<>();
        watches.add(client.status().subscribe(statuses::add));
        return statuses;
    }
}
