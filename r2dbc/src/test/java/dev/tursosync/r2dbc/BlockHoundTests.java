package dev.tursosync.r2dbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.r2dbc.spi.Connection;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * BlockHound is installed for every test of this module (blockhound-junit-platform). The first test proves it is
 * active; the second drives the driver entirely from a non-blocking Reactor thread.
 */
class BlockHoundTests {

    @TempDir
    Path dir;

    @Test
    void blockHoundIsActive() {
        assertThatThrownBy(() -> Mono.fromCallable(() -> {
                    Thread.sleep(1);
                    return 1;
                })
                .subscribeOn(Schedulers.parallel())
                .block(Duration.ofSeconds(5)))
                .hasCauseInstanceOf(BlockingOperationError.class);
    }

    @Test
    void driverNeverBlocksANonBlockingThread() {
        try (LocalDatabase database = new LocalDatabase(dir.resolve("app.db"))) {
            Flux<Long> work = Flux.usingWhen(database.factory().create(), connection -> Flux.concat(
                            run(connection, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)"),
                            Mono.from(connection.beginTransaction()).then(Mono.<Long>empty()),
                            Flux.range(0, 50).concatMap(i -> Flux.from(connection
                                            .createStatement("INSERT INTO t (v) VALUES (?)").bind(0, "v" + i).execute())
                                    .flatMap(result -> result.getRowsUpdated())),
                            Mono.from(connection.commitTransaction()).then(Mono.<Long>empty()),
                            Flux.from(connection.createStatement("SELECT id FROM t").execute())
                                    .flatMap(result -> result.map(row -> row.get(0, Long.class)))
                                    .publishOn(Schedulers.parallel())
                                    .take(10),
                            Mono.from(connection.validate(io.r2dbc.spi.ValidationDepth.REMOTE)).map(ok -> ok ? 1L : 0L)),
                    Connection::close)
                    .subscribeOn(Schedulers.parallel())
                    .publishOn(Schedulers.parallel());

            assertThat(work.collectList().block(Duration.ofSeconds(30))).hasSize(1 + 50 + 10 + 1);
        }
    }

    private static Flux<Long> run(Connection connection, String sql) {
        return Flux.from(connection.createStatement(sql).execute()).flatMap(result -> result.getRowsUpdated());
    }
}
