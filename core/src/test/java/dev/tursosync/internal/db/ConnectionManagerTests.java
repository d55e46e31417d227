package dev.tursosync.internal.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tursosync.SyncClosedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

final class ConnectionManagerTests {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    @Test
    void workRunsOnDatabaseThreadsAndTheWalSurvivesClose() throws Exception {
        Path db = dir.resolve("app.db");
        ConnectionManager manager = new ConnectionManager(db, 2);
        String thread = manager.withConnection(connection -> {
            try (Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE t(x)");
                statement.execute("INSERT INTO t VALUES (1), (2)");
            }
            return Thread.currentThread().getName();
        }).block(WAIT);
        manager.close().block(WAIT);

        assertThat(thread).startsWith("tursosync-db-");
        assertThat(Files.size(db.resolveSibling("app.db-wal"))).as("WAL kept with its frames, not checkpointed")
                .isGreaterThanOrEqualTo(32 + 2 * (24 + 4096));
        assertThat(Files.size(db)).as("only page 1 written by the switch to WAL mode").isEqualTo(4096);
        assertThatThrownBy(() -> manager.withConnection(connection -> 1).block(WAIT))
                .isInstanceOf(SyncClosedException.class);

        ConnectionManager reopened = new ConnectionManager(db, 1);
        long count = reopened.withConnection(connection -> {
            try (ResultSet rows = connection.createStatement().executeQuery("SELECT count(*) FROM t")) {
                rows.next();
                return rows.getLong(1);
            }
        }).block(WAIT);
        reopened.close().block(WAIT);
        assertThat(count).isEqualTo(2);
    }

    @Test
    void exclusiveWorkWaitsForInFlightWorkAndRunsWithNoConnectionOpen() throws Exception {
        Path db = dir.resolve("app.db");
        ConnectionManager manager = new ConnectionManager(db, 2);
        CountDownLatch readerStarted = new CountDownLatch(1);
        CountDownLatch releaseReader = new CountDownLatch(1);
        AtomicBoolean readerDone = new AtomicBoolean();
        Mono<Integer> reader = manager.withConnection(connection -> {
            readerStarted.countDown();
            releaseReader.await(10, TimeUnit.SECONDS);
            readerDone.set(true);
            return 1;
        });
        reader.subscribe();
        assertThat(readerStarted.await(10, TimeUnit.SECONDS)).isTrue();

        Mono<Boolean> exclusive = manager.exclusive(readerDone::get);
        var result = exclusive.toFuture();
        Thread.sleep(100);
        assertThat(result).isNotDone();
        releaseReader.countDown();

        assertThat(result.get(10, TimeUnit.SECONDS)).as("the reader had finished").isTrue();
        manager.close().block(WAIT);
    }
}
