package dev.tursosync.internal.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tursosync.spi.Lease;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;

final class ConnectionLeaseTests {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private ConnectionManager manager;

    @AfterEach
    void close() {
        manager.close().block(WAIT);
    }

    /**
     * A lease made on its lane at the moment its subscriber cancels is released, on whichever of Reactor's paths the
     * lease is lost (discarded, or dropped between the sink's cancel and its cancel callback): thousands of races
     * between the lane making the lease and the cancel; afterwards exclusive work gets in and the gate holds nothing.
     */
    @Test
    void aLeaseMadeWhileItsSubscriberCancelsIsReleased() {
        manager = new ConnectionManager(dir.resolve("app.db"), 2);
        ExclusiveWindowProbe probe = new ExclusiveWindowProbe(manager);
        SerialLane lane = manager.lane();
        for (int round = 0; round < 5_000; round++) {
            java.util.concurrent.atomic.AtomicReference<Lease> received =
                    new java.util.concurrent.atomic.AtomicReference<>();
            // a consumer as the driver's: flatMap takes the lease even when cancelled meanwhile
            reactor.core.Disposable waiting = manager.lease(lane).flatMap(lease -> {
                received.set(lease);
                return reactor.core.publisher.Mono.empty();
            }).subscribe();
            waiting.dispose();
            // the lane is serial: this lease comes after the raced one was made and, if lost, released
            Lease next = manager.lease(lane).block(WAIT);
            next.release().block(WAIT);
            if (received.get() != null) {
                received.get().release().block(WAIT);
            }
        }
        assertThat(manager.exclusive(() -> probe.describe()).block(WAIT))
                .as("exclusive work got in: no shared permit left behind").startsWith("shared holders 0");
    }

    @Test
    void aLeaseRunsItsWorkInOrderOnOneConnection() {
        manager = new ConnectionManager(dir.resolve("app.db"), 1);
        ConnectionLease lease = manager.lease().block(WAIT);
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        Flux.range(0, 50)
                .flatMap(i -> lease.run(connection -> {
                    seen.add(i + "@" + System.identityHashCode(connection) + "@"
                            + Thread.currentThread().getName().startsWith("tursosync-db-lease-"));
                    return i;
                }))
                .blockLast(WAIT);
        lease.release().block(WAIT);

        assertThat(seen).hasSize(50);
        assertThat(seen.stream().map(entry -> entry.substring(entry.indexOf('@'))).distinct()).hasSize(1)
                .allMatch(suffix -> suffix.endsWith("@true"));
        assertThat(seen.stream().map(entry -> Integer.parseInt(entry.substring(0, entry.indexOf('@')))))
                .isSorted();
    }

    @Test
    void successiveLeasesOfALaneGetItsConnectionBackWhileAnotherLaneKeepsItsOwn() throws Exception {
        manager = new ConnectionManager(dir.resolve("app.db"), 2);
        SerialLane first = manager.lane();
        SerialLane second = manager.lane();
        // both at once: the pool opens a second connection
        ConnectionLease firstHeld = manager.lease(first).cast(ConnectionLease.class).block(WAIT);
        ConnectionLease secondHeld = manager.lease(second).cast(ConnectionLease.class).block(WAIT);
        firstHeld.release().block(WAIT);
        secondHeld.release().block(WAIT);
        List<String> seen = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            for (SerialLane lane : List.of(first, second)) {
                ConnectionLease lease = manager.lease(lane).cast(ConnectionLease.class).block(WAIT);
                seen.add((lane == first ? "first@" : "second@")
                        + lease.run(System::identityHashCode).block(WAIT));
                lease.release().block(WAIT);
            }
        }

        assertThat(seen.stream().distinct()).as("each lane always on its own connection").hasSize(2);
        assertThat(seen.stream().map(entry -> entry.substring(entry.indexOf('@'))).distinct()).hasSize(2);
        ConnectionLease last = manager.lease(first).cast(ConnectionLease.class).block(WAIT);
        java.sql.Connection atHome = last.run(connection -> connection).block(WAIT);
        last.release().block(WAIT);
        manager.exclusive(() -> true).block(WAIT);
        assertThat(atHome.isClosed()).as("exclusive work closes the connections waiting at the lanes' homes").isTrue();
        ConnectionLease after = manager.lease(first).cast(ConnectionLease.class).block(WAIT);
        assertThat(after.run(connection -> connection == atHome || connection.isClosed()).block(WAIT)).isFalse();
        after.release().block(WAIT);
    }

    @Test
    void exclusiveWorkWaitsForTheLeaseAndReleaseRollsBackAnOpenTransaction() throws Exception {
        manager = new ConnectionManager(dir.resolve("app.db"), 2);
        manager.withConnection(connection -> connection.createStatement().execute("CREATE TABLE t(x)")).block(WAIT);
        ConnectionLease lease = manager.lease().block(WAIT);
        lease.run(connection -> {
            try (Statement statement = connection.createStatement()) {
                statement.execute("BEGIN IMMEDIATE");
                return statement.executeUpdate("INSERT INTO t VALUES (1)");
            }
        }).block(WAIT);

        var exclusive = manager.exclusive(() -> true).toFuture();
        awaitOthersWaitFor(lease);
        assertThat(exclusive).as("a pull waits for the lease").isNotDone();

        lease.release().block(WAIT);
        assertThat(exclusive.get(10, TimeUnit.SECONDS)).isTrue();
        long rows = manager.withConnection(connection -> {
            try (ResultSet result = connection.createStatement().executeQuery("SELECT count(*) FROM t")) {
                result.next();
                return result.getLong(1);
            }
        }).block(WAIT);
        assertThat(rows).as("the open transaction was rolled back").isZero();
    }

    @Test
    void aLeaseSaysOthersWaitWhileExclusiveWorkWaitsForIt() throws Exception {
        manager = new ConnectionManager(dir.resolve("app.db"), 2);
        ConnectionLease lease = manager.lease().block(WAIT);
        assertThat(lease.othersWait()).as("nothing waits").isFalse();

        var exclusive = manager.exclusive(() -> true).toFuture();
        assertThat(lease.othersWait()).as("exclusive work waits for the lease").isTrue();

        lease.release().block(WAIT);
        assertThat(exclusive.get(10, TimeUnit.SECONDS)).isTrue();
        ConnectionLease next = manager.lease().block(WAIT);
        assertThat(next.othersWait()).as("after the exclusive work").isFalse();
        next.release().block(WAIT);
    }

    @Test
    void releaseIsIdempotentAndLetsCloseFinish() {
        manager = new ConnectionManager(dir.resolve("app.db"), 1);
        ConnectionLease lease = manager.lease().block(WAIT);
        lease.release().block(WAIT);
        lease.release().block(WAIT);
        assertThat(lease.isReleased()).isTrue();
        manager.close().block(WAIT);
    }

    /** Waits until exclusive work queues behind the lease (the gate's own signal), failing after {@code WAIT}. */
    static void awaitOthersWaitFor(Lease lease) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!lease.othersWait() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        assertThat(lease.othersWait()).as("exclusive work waits behind the lease").isTrue();
    }
}
