package dev.tursosync.internal.pull;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tursosync.ChangeEvent;
import dev.tursosync.ChangeOperation;
import dev.tursosync.MutationResult;
import dev.tursosync.SyncProtocolException;
import dev.tursosync.internal.capture.ChangeCapture;
import dev.tursosync.internal.events.ChangeEventDecoder;
import dev.tursosync.internal.rebase.DatabaseFiles;
import dev.tursosync.internal.rebase.LocalReplay;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link PullApplier} on real files, without a server: the "remote" is a copy of the database changed through SQLite,
 * and the stage holds the pages that differ. The events are decoded on another thread while the apply writes.
 */
class PullApplierTests {

    private static final int PAGE_SIZE = 4096;
    private static final int ROWS = 2_000;

    @TempDir
    Path folder;

    private final ExecutorService decodeThread = Executors.newSingleThreadExecutor();
    private Path database;
    private Path remote;

    @BeforeEach
    void databases() throws Exception {
        database = folder.resolve("local.db");
        try (Connection connection = open(database)) {
            exec(connection, "PRAGMA journal_mode = WAL",
                    "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT NOT NULL)",
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " + ROWS + ") "
                            + "INSERT INTO t SELECT i, printf('old-%096d', i) FROM n");
        }
        remote = folder.resolve("remote.db");
        Files.copy(database, remote);
        try (Connection connection = open(remote)) {
            exec(connection, "UPDATE t SET v = printf('new-%096d', id) WHERE id % 100 = 0");
        }
    }

    @AfterEach
    void stop() {
        decodeThread.shutdownNow();
    }

    @Test
    void appliesThePagesAndDecodesTheirEventsOnAnotherThread() throws Exception {
        PullApplier applier = applier();

        AppliedPull applied;
        try (StagedPages staged = StagedPages.open(stage(remote, false))) {
            applied = applier.apply(staged, "r1", pages(remote), "client", 0);
        }
        assertThat(applied.revision()).isEqualTo("r1");
        assertThat(applied.nextGeneration()).isEqualTo(1);
        assertThat(applier.hasJournal()).as("the journal stays until finish").isTrue();
        applier.finish(applied);
        List<ChangeEvent> events = applied.events();

        assertThat(events).hasSize(ROWS / 100).allSatisfy(event -> {
            assertThat(event.operation()).isEqualTo(ChangeOperation.UPDATE);
            assertThat((String) event.newValues().get("v")).startsWith("new-");
            assertThat((String) event.oldValues().get("v")).startsWith("old-");
        });
        assertThat(events).extracting(ChangeEvent::rowid).containsExactlyElementsOf(
                LongStream.rangeClosed(1, ROWS / 100).map(i -> i * 100).boxed().toList());
        assertThat(Files.readAllBytes(database)).isEqualTo(Files.readAllBytes(remote));
        assertThat(applier.hasJournal()).isFalse();
        try (Connection connection = open(database)) {
            assertThat(text(connection, "PRAGMA integrity_check")).isEqualTo("ok");
            assertThat(text(connection, "SELECT count(*) FROM t WHERE v LIKE 'new-%'")).isEqualTo("20");
        }
    }

    /** A crash after the metadata recorded the pull, before the checkpoint: recovery only folds the WAL in. */
    @Test
    void aPullTheMetadataRecordsIsFinishedByRecovery() throws Exception {
        try (StagedPages staged = StagedPages.open(stage(remote, false))) {
            applier().apply(staged, "r1", pages(remote), "client", 7);
        }
        assertThat(Files.size(DatabaseFiles.walOf(database))).as("not folded in yet").isPositive();

        PullApplier afterRestart = applier();
        assertThat(afterRestart.recover(8)).as("nothing left to record").isEmpty();

        assertThat(Files.readAllBytes(database)).isEqualTo(Files.readAllBytes(remote));
        assertThat(afterRestart.hasJournal()).isFalse();
        Path wal = DatabaseFiles.walOf(database);
        assertThat(!Files.exists(wal) || Files.size(wal) == 0).as("the WAL is folded in").isTrue();
    }

    /** A crash after the WAL commit, before the metadata: recovery hands the pull back to be recorded. */
    @Test
    void aCommittedPullTheMetadataLacksIsHandedBackByRecovery() throws Exception {
        try (StagedPages staged = StagedPages.open(stage(remote, false))) {
            applier().apply(staged, "r1", pages(remote), "client", 7);
        }

        PullApplier afterRestart = applier();
        Optional<AppliedPull> recovered = afterRestart.recover(7);
        assertThat(recovered).hasValueSatisfying(pull -> {
            assertThat(pull.revision()).isEqualTo("r1");
            assertThat(pull.nextGeneration()).isEqualTo(8);
            assertThat(pull.journal()).isPresent();
        });
        afterRestart.finish(recovered.orElseThrow());

        assertThat(Files.readAllBytes(database)).isEqualTo(Files.readAllBytes(remote));
        assertThat(afterRestart.hasJournal()).isFalse();
    }

    @Test
    void aPullWithMalformedPagesIsRefusedAndChangesNothing() throws Exception {
        byte[] before = Files.readAllBytes(database);
        PullApplier applier = applier();

        try (StagedPages staged = StagedPages.of(inMemory(stage(remote, true)))) {
            assertThatThrownBy(() -> applier.apply(staged, "r1", pages(remote), "client", 0))
                    .isInstanceOf(SyncProtocolException.class)
                    .hasMessageContaining("cell pointer array");
        }

        assertThat(applier.hasJournal()).isFalse();
        Path wal = DatabaseFiles.walOf(database);
        assertThat(!Files.exists(wal) || Files.size(wal) == 0).as("the WAL is cut back").isTrue();
        assertThat(Files.readAllBytes(database)).isEqualTo(before);
        assertThat(folder.resolve("local.db-revert.next")).doesNotExist();
        try (Connection connection = open(database)) {
            assertThat(text(connection, "PRAGMA integrity_check")).isEqualTo("ok");
            assertThat(text(connection, "SELECT count(*) FROM t WHERE v LIKE 'old-%'")).isEqualTo(
                    String.valueOf(ROWS));
        }
    }

    /**
     * The first pull into an empty replica (a client built with {@code bootstrapIfEmpty(false)}) installs a whole
     * database, so it passes {@code quick_check} first, as a bootstrap does: here every page is well formed but the
     * index page comes from an older state, one entry short, which only the count of entries shows.
     */
    @Test
    void aFirstPullWhoseIndexMissesAnEntryIsNotInstalled() throws Exception {
        Path older = folder.resolve("older.db");
        Path newer = folder.resolve("newer.db");
        for (Path file : List.of(older, newer)) {
            try (Connection connection = open(file)) {
                exec(connection, "CREATE TABLE s(id INTEGER PRIMARY KEY, v TEXT)", "CREATE INDEX s_v ON s(v)",
                        "INSERT INTO s(v) VALUES ('a'), ('b'), ('c')");
                if (file.equals(newer)) {
                    exec(connection, "INSERT INTO s(v) VALUES ('d')");
                }
            }
        }
        byte[] newest = Files.readAllBytes(newer);
        Map<Long, byte[]> pages = new LinkedHashMap<>();
        for (long page = 1; page <= pages(newer); page++) {
            pages.put(page, Arrays.copyOfRange(newest, (int) (page - 1) * PAGE_SIZE, (int) page * PAGE_SIZE));
        }
        pages.put(3L, Arrays.copyOfRange(Files.readAllBytes(older), 2 * PAGE_SIZE, 3 * PAGE_SIZE));
        Path empty = Files.createFile(folder.resolve("empty.db"));
        PullApplier applier = new PullApplier(empty, new ChangeEventDecoder(0.5),
                new LocalReplay(new ChangeCapture(), mutation -> MutationResult.keep()), decodeThread);

        try (StagedPages staged = StagedPages.of(pages)) {
            assertThatThrownBy(() -> applier.apply(staged, "r1", pages(newer), "client", 0))
                    .isInstanceOf(SyncProtocolException.class).hasMessageContaining("quick_check")
                    .hasMessageContaining("s_v");
        }
        assertThat(Files.size(empty)).isZero();
        assertThat(folder.resolve("empty.db.pulled")).doesNotExist();
    }

    private PullApplier applier() {
        return new PullApplier(database, new ChangeEventDecoder(0.5),
                new LocalReplay(new ChangeCapture(), mutation -> MutationResult.keep()), decodeThread);
    }

    /**
     * A stage of the pages of {@code source} that differ from the local file; with {@code corrupt}, every changed
     * table leaf claims more cells than fit on a page.
     */
    private Path stage(Path source, boolean corrupt) throws IOException {
        byte[] local = Files.readAllBytes(database);
        byte[] changed = Files.readAllBytes(source);
        Path stage = folder.resolve("stage");
        int leaves = 0;
        try (FileChannel file = FileChannel.open(stage, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (int page = 1; page * PAGE_SIZE <= changed.length; page++) {
                int start = (page - 1) * PAGE_SIZE;
                byte[] image = Arrays.copyOfRange(changed, start, start + PAGE_SIZE);
                if (start + PAGE_SIZE <= local.length
                        && Arrays.equals(image, Arrays.copyOfRange(local, start, start + PAGE_SIZE))) {
                    continue;
                }
                int header = page == 1 ? 100 : 0;
                if (corrupt && image[header] == 0x0D) {
                    image[header + 3] = (byte) 0xFF;
                    image[header + 4] = (byte) 0xFF;
                    leaves++;
                }
                ByteBuffer number = ByteBuffer.allocate(4).putInt(0, page);
                file.write(new ByteBuffer[] {number, ByteBuffer.wrap(image)});
            }
        }
        assertThat(!corrupt || leaves > 0).as("a changed leaf to corrupt").isTrue();
        return stage;
    }

    /** The pages of a stage file, as {@link PageStage} keeps a small pull in memory. */
    private static Map<Long, byte[]> inMemory(Path stage) {
        Map<Long, byte[]> pages = new LinkedHashMap<>();
        try (StagedPages staged = StagedPages.open(stage)) {
            staged.pageNumbers().forEach(page -> pages.put(page, staged.page(page)));
        }
        return pages;
    }

    private static long pages(Path file) throws IOException {
        return Files.size(file) / PAGE_SIZE;
    }

    private static Connection open(Path file) throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + file);
    }

    private static void exec(Connection connection, String... sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String each : sql) {
                statement.execute(each);
            }
        }
    }

    private static String text(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            assertThat(rows.next()).isTrue();
            return rows.getString(1);
        }
    }
}
