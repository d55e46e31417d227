package dev.tursosync.internal.transport;

import com.google.protobuf.ByteString;
import dev.tursosync.internal.hrana.BatchCondition;
import dev.tursosync.internal.hrana.BatchResult;
import dev.tursosync.internal.hrana.BatchStep;
import dev.tursosync.internal.hrana.Column;
import dev.tursosync.internal.hrana.HranaError;
import dev.tursosync.internal.hrana.HranaStatement;
import dev.tursosync.internal.hrana.HranaValue;
import dev.tursosync.internal.hrana.PipelineRequest;
import dev.tursosync.internal.hrana.PipelineResponse;
import dev.tursosync.internal.hrana.PipelineResult;
import dev.tursosync.internal.hrana.StatementResult;
import dev.tursosync.internal.proto.PullUpdatesRespProtoBody;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The remote database of a scripted test: a real SQLite file (page size 4096, WAL mode, as the sync server keeps
 * it) written through sqlite-jdbc. Its states are kept as numbered revisions ({@code r1}, {@code r2}, ...), and
 * {@link #frames(String, String)} turns two of them into the {@code /pull-updates} reply the server would send:
 * the header, then every page of the newer state that differs from the older one. {@link #execute(List)} runs
 * {@code /v2/pipeline} requests on the file the way the server does (Hrana batch conditions included), so a push
 * really lands there and a later pull carries it, {@code turso_sync_last_change_id} included.
 */
public final class SqliteRemote {

    private static final int PAGE_SIZE = PulledPage.PAGE_SIZE;

    private final Path file;
    private final Map<String, byte[]> revisions = new LinkedHashMap<>();

    private SqliteRemote(Path file) {
        this.file = file;
    }

    /**
     * Creates the remote file and runs the statements on it; nothing is a revision yet.
     *
     * @param file       the file to create
     * @param statements the schema and rows
     * @return the remote
     */
    public static SqliteRemote create(Path file, String... statements) {
        SqliteRemote remote = new SqliteRemote(file);
        remote.run("PRAGMA page_size = " + PAGE_SIZE, "PRAGMA journal_mode = WAL");
        remote.run(statements);
        return remote;
    }

    /**
     * Runs statements in one connection (closed at the end, which folds SQLite's WAL into the file).
     *
     * @param statements the statements
     * @return this remote
     */
    public SqliteRemote run(String... statements) {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the test remote refused its own SQL: " + e.getMessage(), e);
        }
        return this;
    }

    /**
     * Records the file as it is now as the next revision.
     *
     * @return the revision's name
     */
    public String commitRevision() {
        String revision = "r" + (revisions.size() + 1);
        try {
            revisions.put(revision, Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return revision;
    }

    /**
     * The file of a revision.
     *
     * @param revision the revision
     * @return its bytes
     */
    public byte[] bytes(String revision) {
        byte[] bytes = revisions.get(revision);
        if (bytes == null) {
            throw new IllegalArgumentException("no revision " + revision + " (known: " + revisions.keySet() + ")");
        }
        return bytes.clone();
    }

    /**
     * The reply to a pull from {@code from} (or a bootstrap, when {@code null}) up to {@code to}.
     *
     * @param from the client's revision, or {@code null} for a full snapshot
     * @param to   the revision to send
     * @return the header, then the pages of {@code to} that differ from {@code from}, in page order
     */
    public List<PullFrame> frames(String from, String to) {
        byte[] newer = bytes(to);
        byte[] older = from == null ? new byte[0] : bytes(from);
        List<PullFrame> frames = new ArrayList<>();
        long pages = newer.length / PAGE_SIZE;
        frames.add(new PullHeader(PullUpdatesRespProtoBody.newBuilder().setServerRevision(to).setDbSize(pages)
                .build()));
        for (int page = 0; page < pages; page++) {
            int start = page * PAGE_SIZE;
            boolean same = start + PAGE_SIZE <= older.length && Arrays.equals(newer, start, start + PAGE_SIZE,
                    older, start, start + PAGE_SIZE);
            if (!same) {
                frames.add(new PulledPage(page, ByteString.copyFrom(newer, start, PAGE_SIZE)));
            }
        }
        return List.copyOf(frames);
    }

    /**
     * How many pages a reply carries.
     *
     * @param frames a reply
     * @return the pages in it
     */
    public static int pageCount(List<PullFrame> frames) {
        return (int) frames.stream().filter(PulledPage.class::isInstance).count();
    }

    /**
     * Runs one query on the file.
     *
     * @param sql a query returning one integer
     * @return its value
     */
    public long queryLong(String sql) {
        try (Connection connection = connect(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            return rows.next() ? rows.getLong(1) : 0;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Runs a {@code /v2/pipeline} call on the file, as the server does: each request in order, the steps of a batch
     * when their condition holds, an error as the step's (or the request's) error.
     *
     * @param requests the requests
     * @return the reply
     */
    public PipelineResponse execute(List<PipelineRequest> requests) {
        try (Connection connection = connect()) {
            List<PipelineResult> results = new ArrayList<>();
            for (PipelineRequest request : requests) {
                if (request instanceof PipelineRequest.Batch batch) {
                    results.add(new PipelineResult.BatchOk(runBatch(connection, batch)));
                } else if (request instanceof PipelineRequest.Execute execute) {
                    try {
                        results.add(new PipelineResult.ExecuteOk(runStatement(connection, execute.statement())));
                    } catch (SQLException e) {
                        results.add(new PipelineResult.Failed(new HranaError(e.getMessage(), "SQLITE_ERROR")));
                    }
                }
            }
            return new PipelineResponse(results);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private BatchResult runBatch(Connection connection, PipelineRequest.Batch batch) {
        List<StatementResult> results = new ArrayList<>();
        List<HranaError> errors = new ArrayList<>();
        for (BatchStep step : batch.steps()) {
            StatementResult result = null;
            HranaError error = null;
            if (holds(step.condition(), results, errors)) {
                try {
                    result = runStatement(connection, step.statement());
                } catch (SQLException e) {
                    error = new HranaError(e.getMessage(), "SQLITE_ERROR");
                }
            }
            results.add(result);
            errors.add(error);
        }
        return new BatchResult(results, errors);
    }

    private static boolean holds(BatchCondition condition, List<StatementResult> results, List<HranaError> errors) {
        if (condition == null) {
            return true;
        }
        if (condition instanceof BatchCondition.Ok ok) {
            return results.get(ok.step()) != null;
        }
        if (condition instanceof BatchCondition.Error error) {
            return errors.get(error.step()) != null;
        }
        if (condition instanceof BatchCondition.Not not) {
            return !holds(not.cond(), results, errors);
        }
        if (condition instanceof BatchCondition.And and) {
            return and.conds().stream().allMatch(each -> holds(each, results, errors));
        }
        if (condition instanceof BatchCondition.Or or) {
            return or.conds().stream().anyMatch(each -> holds(each, results, errors));
        }
        throw new UnsupportedOperationException("the test remote does not evaluate " + condition);
    }

    private static StatementResult runStatement(Connection connection, HranaStatement hrana) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(hrana.sql())) {
            for (int i = 0; i < hrana.args().size(); i++) {
                statement.setObject(i + 1, hrana.args().get(i).toJava());
            }
            if (!statement.execute()) {
                return new StatementResult(List.of(), List.of(), statement.getUpdateCount(), null);
            }
            try (ResultSet rows = statement.getResultSet()) {
                ResultSetMetaData meta = rows.getMetaData();
                List<Column> columns = new ArrayList<>();
                for (int column = 1; column <= meta.getColumnCount(); column++) {
                    columns.add(new Column(meta.getColumnName(column), null));
                }
                List<List<HranaValue>> values = new ArrayList<>();
                while (rows.next()) {
                    List<HranaValue> row = new ArrayList<>();
                    for (int column = 1; column <= meta.getColumnCount(); column++) {
                        row.add(HranaValue.of(rows.getObject(column)));
                    }
                    values.add(row);
                }
                return new StatementResult(columns, values, 0, null);
            }
        }
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + file);
    }
}
