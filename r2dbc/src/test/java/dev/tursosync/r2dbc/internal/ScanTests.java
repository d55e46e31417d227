package dev.tursosync.r2dbc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tursosync.spi.StandaloneDatabase;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.Result;
import io.r2dbc.spi.Row;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Scans stream their rows by demand: each row is stepped only once it was asked for, mapped while the cursor stands
 * on it, and read with the values and types it was stored with; a cancelled scan stops stepping and frees its
 * connection.
 */
class ScanTests {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int ROWS = 10_000;
    /** Every storage class; row {@code n} (from 1) holds null in {@code r} and {@code b} when n is a multiple of 7. */
    private static final String SCAN = "SELECT stepped(id) AS id, r, t, b FROM items ORDER BY items.id";

    @TempDir
    Path dir;

    private StandaloneDatabase database;
    private SteppedRows rows;

    @BeforeEach
    void open() {
        database = StandaloneDatabase.open(dir.resolve("app.db"), 4);
        rows = new SteppedRows(database);
        Connection setup = connection();
        Flux.concat(update(setup, "CREATE TABLE items (id INTEGER PRIMARY KEY, r REAL, t TEXT, b BLOB)"),
                        update(setup, "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < "
                                + ROWS + ") INSERT INTO items SELECT n, CASE WHEN n % 7 = 0 THEN NULL ELSE n / 4.0 END,"
                                + " 'row ' || n, CASE WHEN n % 7 = 0 THEN NULL ELSE randomblob(1 + n % 50) END FROM c"))
                .blockLast(WAIT);
        Mono.from(setup.close()).block(WAIT);
    }

    @AfterEach
    void close() {
        database.close().block(WAIT);
    }

    @Test
    void aScanAskedForOneRowAtATimeStepsNoRowBeyondTheDemandButTheOneReadAhead() throws InterruptedException {
        Demand demand = scanAsking(1, 300, 0);

        assertThat(demand.emittedBeyondDemand).as("rows emitted that nobody asked for").isZero();
        assertThat(demand.mostAhead).as("rows stepped beyond the demand (the execution reads one ahead)")
                .isLessThanOrEqualTo(1);
        assertThat(rows.stepped()).as("rows stepped by the scan cancelled after 300").isLessThanOrEqualTo(301);
    }

    @Test
    void aScanAskedForInBatchesStepsNoRowBeyondTheDemandButTheOneReadAhead() throws InterruptedException {
        Demand demand = scanAsking(37, ROWS, 100);

        assertThat(demand.emittedBeyondDemand).as("rows emitted that nobody asked for").isZero();
        assertThat(demand.mostAhead).as("rows stepped beyond the demand (the execution reads one ahead)")
                .isLessThanOrEqualTo(1);
        assertThat(rows.stepped()).isEqualTo(ROWS);
    }

    /**
     * Scans, asking for {@code batch} rows at a time from the test thread once the previous ones arrived, up to
     * {@code upTo} rows, then cancels; returns once the connection ran its next statement (after the scan's end).
     */
    private Demand scanAsking(int batch, int upTo, int fetchSize) throws InterruptedException {
        Connection connection = connection();
        Demand demand = new Demand();
        Flux.from(connection.createStatement(SCAN).fetchSize(fetchSize).execute())
                .concatMap(result -> result.map(row -> row.get(0, Long.class)))
                .subscribe(demand);
        while (demand.received < upTo) {
            demand.ask(Math.min(batch, upTo - demand.received));
        }
        demand.cancel();
        assertThat(Flux.from(connection.createStatement("SELECT count(*) FROM items").execute())
                .flatMap(result -> result.map(row -> row.get(0, Long.class))).blockLast(WAIT))
                .as("the next statement on the connection").isEqualTo(ROWS);
        assertThat(demand.ids).as("the rows, in order").hasSize(upTo).startsWith(1L, 2L).endsWith((long) upTo);
        Mono.from(connection.close()).block(WAIT);
        return demand;
    }

    /** Asks for rows from the test thread and checks, as each arrives, that it was asked for and how far SQLite is. */
    private final class Demand extends BaseSubscriber<Long> {

        final List<Long> ids = new CopyOnWriteArrayList<>();
        private final Semaphore arrived = new Semaphore(0);
        private volatile long asked;
        volatile int received;
        volatile long emittedBeyondDemand;
        volatile long mostAhead;

        @Override
        protected void hookOnSubscribe(Subscription subscription) {
            // nothing yet: the test thread asks
        }

        void ask(int count) throws InterruptedException {
            asked += count;
            request(count);
            assertThat(arrived.tryAcquire(count, WAIT.toSeconds(), TimeUnit.SECONDS)).as("rows asked for arrive").isTrue();
        }

        @Override
        protected void hookOnNext(Long id) {
            ids.add(id);
            received++;
            if (received > asked) {
                emittedBeyondDemand++;
            }
            mostAhead = Math.max(mostAhead, rows.stepped() - asked);
            arrived.release();
        }
    }

    @Test
    void aLargeScanReadsEveryValueWithItsStorageClass() {
        Connection connection = connection();
        List<String> problems = new ArrayList<>();
        Long seen = Flux.from(connection.createStatement(SCAN).execute())
                .flatMap(result -> result.map(row -> {
                    long id = row.get("id", Long.class);
                    Object real = row.get("r");
                    Object text = row.get(2);
                    Object blob = row.get("b", ByteBuffer.class);
                    boolean nulls = id % 7 == 0;
                    if (!(nulls ? real == null : Double.valueOf(id / 4.0).equals(real))
                            || !("row " + id).equals(text)
                            || !(nulls ? blob == null : ((ByteBuffer) blob).remaining() == 1 + id % 50)
                            || !Long.valueOf(id).equals(row.get(0))
                            || !Long.toString(id).equals(row.get(0, String.class))) {
                        problems.add("row " + id + ": " + real + ", " + text + ", " + blob);
                    }
                    return id;
                }))
                .limitRate(128)
                .reduce(0L, (count, id) -> count + 1)
                .block(WAIT);

        assertThat(seen).isEqualTo(ROWS);
        assertThat(problems).isEmpty();
    }

    @Test
    void cancellingAScanFromItsSubscriberStopsSteppingAndFreesTheConnection() {
        Connection connection = connection();
        List<Long> first = Flux.from(connection.createStatement(SCAN).execute())
                .flatMap(result -> result.map(row -> row.get(0, Long.class)))
                .take(1000, false)
                .collectList()
                .block(WAIT);

        assertThat(first).hasSize(1000).endsWith(1000L);
        assertThat(Flux.from(connection.createStatement("SELECT count(*) FROM items").execute())
                .flatMap(result -> result.map(row -> row.get(0, Long.class))).blockLast(WAIT))
                .as("the next statement on the connection").isEqualTo(ROWS);
        assertThat(rows.stepped()).as("rows stepped by the cancelled scan").isLessThanOrEqualTo(1001);
        Mono.from(connection.close()).block(WAIT);
    }

    @Test
    void aMappingFunctionThatFailsMidScanFailsTheScanAndLeavesTheConnectionUsable() {
        Connection connection = connection();
        IllegalStateException failure = new IllegalStateException("row 5000 is not wanted");

        assertThatThrownBy(() -> Flux.from(connection.createStatement(SCAN).execute())
                .flatMap(result -> result.map(row -> {
                    if (row.get(0, Long.class) == 5000) {
                        throw failure;
                    }
                    return 1;
                }))
                .blockLast(WAIT)).isSameAs(failure);
        assertThat(rows.stepped()).as("rows stepped after the failing one").isLessThanOrEqualTo(5001);
        assertThat(Flux.from(connection.createStatement("SELECT t FROM items WHERE id = 3").execute())
                .flatMap(result -> result.map(row -> row.get(0, String.class))).blockLast(WAIT))
                .isEqualTo("row 3");
        Mono.from(connection.close()).block(WAIT);
    }

    @Test
    void aRowIsReadableOnlyInsideItsMappingFunctionButARowSegmentStaysReadable() {
        Connection connection = connection();
        List<Row> escaped = Flux.from(connection.createStatement(SCAN).execute())
                .flatMap(result -> result.map((row, metadata) -> row))
                .take(3, false)
                .collectList()
                .block(WAIT);
        List<Row> segmentRows = Flux.from(connection.createStatement(SCAN).execute())
                .flatMap(result -> result.flatMap(segment -> Mono.just(((Result.RowSegment) segment).row())))
                .take(300, false)
                .collectList()
                .block(WAIT);

        assertThatThrownBy(() -> escaped.get(2).get(0)).as("a row after its mapping function returned")
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("only inside");
        assertThat(segmentRows).hasSize(300);
        assertThat(segmentRows.get(299).get("t", String.class)).as("a row segment, after the cursor moved on")
                .isEqualTo("row 300");
        assertThat(segmentRows.get(150).get("id")).isEqualTo(151L);
        Mono.from(connection.close()).block(WAIT);
    }

    private Connection connection() {
        return new TursoConnection(Mono.just(rows), Duration.ZERO);
    }

    private static Flux<Long> update(Connection connection, String sql) {
        return Flux.from(connection.createStatement(sql).execute()).flatMap(Result::getRowsUpdated);
    }
}
