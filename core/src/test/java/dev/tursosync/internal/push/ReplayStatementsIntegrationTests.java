package dev.tursosync.internal.push;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tursosync.internal.capture.CapturedChange;
import dev.tursosync.internal.hrana.AtomicBatch;
import dev.tursosync.internal.hrana.HranaStatement;
import dev.tursosync.internal.hrana.HranaValue;
import dev.tursosync.internal.hrana.PipelineRequest;
import dev.tursosync.internal.hrana.PipelineResult;
import dev.tursosync.internal.hrana.StatementResult;
import dev.tursosync.internal.transport.ReactorNettySyncTransport;
import dev.tursosync.internal.transport.SyncTransport;
import dev.tursosync.internal.transport.TransportOptions;
import dev.tursosync.testing.LocalSyncServer;
import dev.tursosync.testing.TursoServerExtension;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The statements a push sends for updates and deletes, run on the real {@code tursodb}: they find their row through
 * the primary key (the server's plan is a {@code SEARCH}, never a {@code SCAN} of the table, whose cost would grow
 * with the table: issue 20's soak stalled on it), and they still find a row whose key has a {@code NULL} part.
 */
@ExtendWith(TursoServerExtension.class)
final class ReplayStatementsIntegrationTests {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final List<String> TABLES = List.of(
            "CREATE TABLE by_rowid (id INTEGER PRIMARY KEY, v TEXT)",
            "CREATE TABLE by_text (k TEXT PRIMARY KEY, v TEXT)",
            "CREATE TABLE by_pair (a INTEGER, b TEXT, v TEXT, PRIMARY KEY (a, b))");

    private static SyncTransport transport;
    private static TableKeys keys;

    @BeforeAll
    static void createTables(LocalSyncServer server, @TempDir Path local) throws Exception {
        transport = ReactorNettySyncTransport.create(TransportOptions.of(server.url()));
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + local.resolve("keys.db"));
             Statement statement = connection.createStatement()) {
            for (String ddl : TABLES) {
                statement.execute(ddl);
                execute(HranaStatement.update(ddl));
            }
            keys = TableKeys.read(connection, List.of("by_rowid", "by_text", "by_pair"));
        }
    }

    @AfterAll
    static void disconnect() {
        transport.close().block(WAIT);
    }

    @Test
    void updatesAndDeletesSeekTheKeyOnTheRemote() {
        List<Map<String, Object>> rows = List.of(row("id", 7L, "v", "old"), row("k", "seven", "v", "old"),
                row("a", 7L, "b", "seven", "v", "old"));
        List<String> tables = List.of("by_rowid", "by_text", "by_pair");
        for (int i = 0; i < tables.size(); i++) {
            String table = tables.get(i);
            Map<String, Object> before = rows.get(i);
            Map<String, Object> after = new LinkedHashMap<>(before);
            after.put("v", "new");
            replay(change(table, CapturedChange.Operation.INSERT, null, before));
            HranaStatement update = only(change(table, CapturedChange.Operation.UPDATE, before, after));
            HranaStatement delete = only(change(table, CapturedChange.Operation.DELETE, after, null));

            assertThat(plan(update)).as(update.sql()).isNotEmpty().allMatch(step -> step.startsWith("SEARCH "));
            assertThat(plan(delete)).as(delete.sql()).isNotEmpty().allMatch(step -> step.startsWith("SEARCH "));

            execute(update);
            assertThat(values(table)).as(table + " after the update").containsExactly("new");
            execute(delete);
            assertThat(values(table)).as(table + " after the delete").isEmpty();
        }
    }

    @Test
    void aNullKeyPartStillFindsItsRow() {
        Map<String, Object> before = row("a", 8L, "b", null, "v", "old");
        Map<String, Object> after = new LinkedHashMap<>(before);
        after.put("v", "new");
        replay(change("by_pair", CapturedChange.Operation.INSERT, null, before));
        replay(change("by_pair", CapturedChange.Operation.INSERT, null, before));
        assertThat(values("by_pair")).as("an insert replayed twice").containsExactly("old");

        HranaStatement update = only(change("by_pair", CapturedChange.Operation.UPDATE, before, after));
        assertThat(plan(update)).as(update.sql()).isNotEmpty().allMatch(step -> step.startsWith("SEARCH "));
        execute(update);
        assertThat(values("by_pair")).containsExactly("new");

        execute(only(change("by_pair", CapturedChange.Operation.DELETE, after, null)));
        assertThat(values("by_pair")).isEmpty();
    }

    private static Map<String, Object> row(Object... namesAndValues) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            row.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return row;
    }

    private static CapturedChange change(String table, CapturedChange.Operation operation,
                                         Map<String, Object> before, Map<String, Object> after) {
        return new CapturedChange(1, 1, 0, table, operation, null, before, after, null);
    }

    private static void replay(CapturedChange change) {
        ReplayStatements.of(change, keys).forEach(entry -> execute(entry.statement()));
    }

    private static HranaStatement only(CapturedChange change) {
        List<AtomicBatch.Entry> entries = ReplayStatements.of(change, keys);
        assertThat(entries).hasSize(1);
        return entries.get(0).statement();
    }

    /** The server's query plan of a statement: one line per step, such as {@code SEARCH t USING ...}. */
    private static List<String> plan(HranaStatement statement) {
        return execute(new HranaStatement("EXPLAIN QUERY PLAN " + statement.sql(), statement.args(), true)).rows()
                .stream().map(step -> ((HranaValue.TextValue) step.get(3)).value()).toList();
    }

    private static List<String> values(String table) {
        return execute(HranaStatement.query("SELECT v FROM " + table)).rows().stream()
                .map(row -> ((HranaValue.TextValue) row.get(0)).value()).toList();
    }

    private static StatementResult execute(HranaStatement statement) {
        PipelineResult result = transport.pipeline(List.of(new PipelineRequest.Execute(statement))).block(WAIT)
                .results().get(0);
        assertThat(result).as(statement.sql()).isInstanceOf(PipelineResult.ExecuteOk.class);
        return ((PipelineResult.ExecuteOk) result).result();
    }
}
