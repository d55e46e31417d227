package dev.tursosync.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tursosync.SyncClient;
import dev.tursosync.SyncClosedException;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The service provider interface over a database without sync, through its public types only. */
final class StandaloneDatabaseTests {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    private StandaloneDatabase database;

    @AfterEach
    void close() {
        if (database != null) {
            database.close().block(WAIT);
        }
    }

    @Test
    void aLeaseRunsWorkOnADatabaseThreadAndItsReleaseRollsBackWhatIsOpen() {
        database = StandaloneDatabase.open(dir.resolve("plain.db"), 2);
        Lane lane = database.lane();
        Lease lease = database.lease(lane).block(WAIT);
        String thread = lease.run(connection -> {
            try (Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)");
                statement.execute("BEGIN");
                statement.execute("INSERT INTO t VALUES (1)");
            }
            return Thread.currentThread().getName();
        }).block(WAIT);
        assertThat(thread).as("the work's thread").startsWith("tursosync-db").isNotEqualTo(
                Thread.currentThread().getName());
        assertThat(lease.isReleased()).isFalse();
        lease.release().block(WAIT);
        assertThat(lease.isReleased()).isTrue();

        assertThat(count(database.lease(lane).block(WAIT))).as("the open transaction was rolled back").isZero();
    }

    @Test
    void theCallbackLeaseAndRunReportResultsAndFailures() throws Exception {
        database = StandaloneDatabase.open(dir.resolve("callbacks.db"), 1);
        Lane lane = database.lane();
        CompletableFuture<Lease> leased = new CompletableFuture<>();
        database.lease(lane, (lease, error) -> {
            if (error != null) {
                leased.completeExceptionally(error);
            } else {
                leased.complete(lease);
            }
        });
        Lease lease = leased.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        CompletableFuture<Object> failure = new CompletableFuture<>();
        lease.run(connection -> {
            try (Statement statement = connection.createStatement()) {
                return statement.executeQuery("SELECT * FROM missing").next();
            }
        }, (result, error) -> failure.complete(error));
        assertThat(failure.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isInstanceOf(java.sql.SQLException.class)
                .asString().contains("missing");
        lease.releaseSoon(true);

        CompletableFuture<Object> afterRelease = new CompletableFuture<>();
        lease.run(connection -> 1, (result, error) -> afterRelease.complete(error));
        assertThat(afterRelease.get(WAIT.toSeconds(), TimeUnit.SECONDS)).as("work on a released lease fails")
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aLaneRunsItsTasksOneAtATimeInOrder() throws InterruptedException {
        database = StandaloneDatabase.open(dir.resolve("lane.db"), 1);
        Lane lane = database.lane();
        List<Integer> ran = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        for (int i = 0; i < 1000; i++) {
            int task = i;
            lane.execute(() -> ran.add(task));
        }
        lane.execute(done::countDown);
        assertThat(done.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(ran).hasSize(1000).isSorted();
    }

    @Test
    void afterCloseLeasesFailWithTheTypedError() throws Exception {
        database = StandaloneDatabase.open(dir.resolve("closed.db"), 1);
        Lane lane = database.lane();
        database.lease(lane).flatMap(Lease::release).block(WAIT);
        database.close().block(WAIT);

        assertThatThrownBy(() -> database.lease(lane).block(WAIT)).isInstanceOf(SyncClosedException.class);
        CompletableFuture<Throwable> refused = new CompletableFuture<>();
        database.lease(lane, (lease, error) -> refused.complete(error));
        assertThat(refused.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isInstanceOf(SyncClosedException.class);
        database = null;
    }

    @Test
    void aClientThatIsNotOpenHasNoLocalDatabase() {
        SyncClient client = SyncClient.builder().path(dir.resolve("never.db")).url("http://127.0.0.1:9").build();
        assertThatThrownBy(client::localDatabase).isInstanceOf(SyncClosedException.class);
    }

    @Test
    void statementKindsTellRowStatementsAndQueries() {
        assertThat(StatementKinds.isRowStatement(" /* c */ insert into t values (1)")).isTrue();
        assertThat(StatementKinds.isRowStatement("WITH x AS (SELECT 1) DELETE FROM t")).isTrue();
        assertThat(StatementKinds.isRowStatement("CREATE TABLE t (a)")).isFalse();
        assertThat(StatementKinds.isRowStatement("BEGIN")).isFalse();
        assertThat(StatementKinds.isRowStatement(null)).isFalse();
        assertThat(StatementKinds.isQuery("select 1")).isTrue();
        assertThat(StatementKinds.isQuery("WITH x AS (SELECT 1) SELECT * FROM x")).as("unsure: may write").isFalse();
        assertThat(StatementKinds.isQuery("UPDATE t SET a = 1")).isFalse();
    }

    private static long count(Lease lease) {
        try {
            return lease.run(connection -> {
                try (Statement statement = connection.createStatement();
                        ResultSet rows = statement.executeQuery("SELECT count(*) FROM t")) {
                    rows.next();
                    return rows.getLong(1);
                }
            }).block(WAIT);
        } finally {
            lease.release().block(WAIT);
        }
    }
}
