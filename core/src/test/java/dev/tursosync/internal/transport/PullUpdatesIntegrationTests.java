package dev.tursosync.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tursosync.internal.hrana.BatchStep;
import dev.tursosync.internal.hrana.HranaStatement;
import dev.tursosync.internal.hrana.HranaValue;
import dev.tursosync.internal.hrana.PipelineRequest;
import dev.tursosync.internal.hrana.PipelineResult;
import dev.tursosync.internal.proto.PullUpdatesReqProtoBody;
import dev.tursosync.testing.LocalSyncServer;
import dev.tursosync.testing.TursoServerExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import reactor.test.StepVerifier;

/**
 * {@code /pull-updates} against the real server holding more than 20 MB written through the pipeline.
 */
@ExtendWith(TursoServerExtension.class)
final class PullUpdatesIntegrationTests {

    private static final Duration WAIT = Duration.ofMinutes(2);
    private static final int ROWS = 25_000;
    /** A row fingerprint computed the same way on the remote and on the pulled file. */
    private static final String FINGERPRINT =
            "SELECT count(*), sum(id), sum(length(payload)), sum(unicode(substr(hex(payload), 7, 1))), "
                    + "group_concat(hex(substr(payload, 1, 4)), '') FROM (SELECT * FROM big ORDER BY id)";

    private static SyncTransport transport;
    private static LocalSyncServer server;

    @BeforeAll
    static void seed(LocalSyncServer localServer) {
        server = localServer;
        transport = ReactorNettySyncTransport.create(TransportOptions.of(server.url()));
        execute("CREATE TABLE big(id INTEGER PRIMARY KEY, tag TEXT, payload BLOB)");
        for (int start = 1; start <= ROWS; start += 5_000) {
            execute("INSERT INTO big SELECT value, 'tag-' || value, randomblob(1000) "
                    + "FROM generate_series(" + start + ", " + (start + 4_999) + ")");
        }
        execute("CREATE INDEX big_tag ON big(tag)");
    }

    @AfterAll
    static void disconnect() {
        transport.close().block(WAIT);
    }

    private static List<HranaValue> execute(String sql) {
        PipelineResult result = transport.pipeline(List.of(new PipelineRequest.Batch(List.of(
                new BatchStep(null, HranaStatement.query(sql)))))).block(WAIT).results().get(0);
        var batch = ((PipelineResult.BatchOk) result).result();
        assertThat(batch.error(0)).as(sql).isEmpty();
        var rows = batch.result(0).orElseThrow().rows();
        return rows.isEmpty() ? List.of() : rows.get(0);
    }

    private static List<Object> localFingerprint(Path file) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement statement = connection.createStatement()) {
            try (ResultSet check = statement.executeQuery("PRAGMA integrity_check")) {
                check.next();
                assertThat(check.getString(1)).isEqualTo("ok");
            }
            try (ResultSet rows = statement.executeQuery(FINGERPRINT)) {
                rows.next();
                List<Object> values = new ArrayList<>();
                for (int column = 1; column <= 5; column++) {
                    values.add(rows.getObject(column) instanceof Integer i ? Long.valueOf(i) : rows.getObject(column));
                }
                return values;
            }
        }
    }

    @Test
    void streamsEveryPageIntoAFileThatSqliteOpensWithTheSameRows(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pulled.db");
        List<Long> pageIds = new ArrayList<>();
        var outcome = PullToFile.pull(transport, file).block(WAIT);

        long dbSize = outcome.header().databaseSizePages();
        assertThat(dbSize * 4096).as("remote size").isGreaterThan(20L * 1024 * 1024);
        assertThat(outcome.pageCount()).isEqualTo(dbSize);
        assertThat(Files.size(file)).isEqualTo(dbSize * 4096);
        assertThat(dir.resolve("pulled.db.part")).doesNotExist();
        transport.pullUpdates(PullUpdatesReqProtoBody.getDefaultInstance())
                .ofType(PulledPage.class)
                .doOnNext(page -> pageIds.add(page.pageId()))
                .blockLast(WAIT);
        assertThat(new TreeSet<>(pageIds)).containsExactlyElementsOf(
                LongStream.range(0, dbSize).boxed().collect(Collectors.toList()));

        List<Object> remote = execute(FINGERPRINT).stream().map(HranaValue::toJava).toList();
        assertThat(localFingerprint(file)).isEqualTo(remote);
        assertThat((Long) remote.get(0)).isEqualTo(ROWS);
    }

    @Test
    void anIncrementalPullSendsOnlyChangedPagesAndTheFileFollows(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("incremental.db");
        String revision = PullToFile.pull(transport, file).block(WAIT).header().revision();

        execute("UPDATE big SET tag = 'changed' WHERE id = 4242");
        List<PullFrame> frames = transport.pullUpdates(PullUpdatesReqProtoBody.newBuilder()
                .setClientRevision(revision).build()).collectList().block(WAIT);

        PullHeader header = (PullHeader) frames.get(0);
        assertThat(header.revision()).isNotEqualTo(revision);
        Set<Long> changed = frames.stream().skip(1).map(frame -> ((PulledPage) frame).pageId())
                .collect(Collectors.toSet());
        assertThat(changed).isNotEmpty().hasSizeLessThan(20);
        try (var channel = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
            for (PullFrame frame : frames.subList(1, frames.size())) {
                PulledPage page = (PulledPage) frame;
                channel.write(page.buffer(), page.fileOffset());
            }
            channel.truncate(header.databaseSizePages() * 4096);
        }
        List<Object> remote = execute(FINGERPRINT).stream().map(HranaValue::toJava).toList();
        assertThat(localFingerprint(file)).isEqualTo(remote);
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
             ResultSet rows = connection.createStatement().executeQuery("SELECT tag FROM big WHERE id = 4242")) {
            rows.next();
            assertThat(rows.getString(1)).isEqualTo("changed");
        }
    }

    @Test
    void aPullFromTheCurrentRevisionHasNoPages() {
        String revision = transport.pullUpdates(PullUpdatesReqProtoBody.getDefaultInstance())
                .ofType(PullHeader.class).blockFirst(WAIT).revision();

        StepVerifier.create(transport.pullUpdates(PullUpdatesReqProtoBody.newBuilder()
                        .setClientRevision(revision).setLongPollTimeoutMs(1000).build()))
                .assertNext(frame -> assertThat(((PullHeader) frame).revision()).isEqualTo(revision))
                .verifyComplete();
    }

    /**
     * Memory stays bounded: a child JVM whose heap is smaller than the remote database streams it to disk.
     */
    @Test
    void aHeapSmallerThanTheDatabaseIsEnough(@TempDir Path dir) throws Exception {
        Path inProcess = dir.resolve("in-process.db");
        PullToFile.pull(transport, inProcess).block(WAIT);
        Path child = dir.resolve("child.db");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-Xmx20m", "-XX:MaxDirectMemorySize=16m",
                "-Dio.netty.allocator.type=unpooled", "-cp", System.getProperty("java.class.path"),
                PullToFile.class.getName(), server.url(), child.toString())
                .redirectErrorStream(true)
                .start();
        boolean finished = process.waitFor(2, TimeUnit.MINUTES);
        String output = new String(process.getInputStream().readAllBytes());

        assertThat(finished).as(output).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).containsPattern("pages=\\d+ peakHeapBytes=\\d+");
        assertThat(Files.size(inProcess)).isGreaterThan(20L * 1024 * 1024);
        assertThat(Files.mismatch(child, inProcess)).as("same bytes as the in-process pull").isEqualTo(-1L);
        System.out.println("small-heap pull of " + Files.size(child) + " bytes: " + output.strip());
    }
}
