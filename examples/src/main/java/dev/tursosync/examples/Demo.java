package dev.tursosync.examples;

import dev.tursosync.internal.hrana.BatchCondition;
import dev.tursosync.internal.hrana.BatchResult;
import dev.tursosync.internal.hrana.BatchStep;
import dev.tursosync.internal.hrana.HranaStatement;
import dev.tursosync.internal.hrana.PipelineRequest;
import dev.tursosync.internal.hrana.PipelineResult;
import dev.tursosync.internal.proto.PullUpdatesReqProtoBody;
import dev.tursosync.internal.pull.SnapshotFileWriter;
import dev.tursosync.internal.transport.AuthTokenSource;
import dev.tursosync.internal.transport.PulledPage;
import dev.tursosync.internal.transport.ReactorNettySyncTransport;
import dev.tursosync.internal.transport.SyncTransport;
import dev.tursosync.internal.transport.TransportOptions;
import dev.tursosync.testing.LocalSyncServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import reactor.core.scheduler.Schedulers;

/**
 * The README's first command: a minimal end-to-end sync.
 *
 * <p>With no {@code TURSO_URL} it starts a local {@code tursodb --sync-server} (installed from npm on first use);
 * otherwise it uses that remote with {@code TURSO_AUTH_TOKEN}. It writes rows on the remote, bootstraps a local
 * replica file from the page stream, reads it with SQLite, changes the remote, and pulls only the changed pages.
 *
 * <p>This version drives the protocol layer directly; it moves to the {@code SyncClient} API once that lands.
 */
public final class Demo {

    private static final Duration WAIT = Duration.ofMinutes(2);
    private static final String TABLE = "tursosync_demo_notes";

    private Demo() {
    }

    /**
     * Runs the demo.
     *
     * @param args ignored
     * @throws Exception if any step fails; the exit code is then non-zero
     */
    public static void main(String[] args) throws Exception {
        String url = System.getenv("TURSO_URL");
        LocalSyncServer localServer = null;
        if (url == null || url.isBlank()) {
            say("No TURSO_URL set: starting a local tursodb --sync-server (installed from npm on first use)...");
            localServer = LocalSyncServer.start();
            url = localServer.url();
            say("Local sync server listening at " + url + " (pid " + localServer.pid() + ").");
        } else {
            say("Using the remote at " + url + ".");
        }
        String token = System.getenv("TURSO_AUTH_TOKEN");
        SyncTransport transport = ReactorNettySyncTransport.create(TransportOptions.of(url).withAuthToken(
                token == null || token.isBlank() ? AuthTokenSource.none() : AuthTokenSource.of(token)));
        Path workDir = Files.createTempDirectory("tursosync-demo");
        try {
            run(transport, workDir.resolve("replica.db"));
            say("Done.");
        } finally {
            transport.close().block(WAIT);
            deleteRecursively(workDir);
            if (localServer != null) {
                localServer.close();
                say("Stopped the local sync server.");
            }
        }
    }

    private static void run(SyncTransport transport, Path replica) throws SQLException {
        say("Writing three notes on the remote through /v2/pipeline, in one transaction...");
        transaction(transport,
                "CREATE TABLE IF NOT EXISTS " + TABLE + " (id INTEGER PRIMARY KEY, body TEXT NOT NULL)",
                "DELETE FROM " + TABLE,
                "INSERT INTO " + TABLE + " VALUES (1, 'buy milk'), (2, 'call Ada'), (3, 'ship the sync client')");

        say("Bootstrapping a local replica from /pull-updates into " + replica + "...");
        SnapshotFileWriter.Snapshot snapshot = new SnapshotFileWriter(Schedulers.boundedElastic())
                .write(transport.pullUpdates(PullUpdatesReqProtoBody.getDefaultInstance()), replica)
                .block(WAIT);
        say("  revision " + snapshot.header().revision() + ": " + snapshot.pageCount() + " pages of 4096 bytes.");
        printNotes(replica);

        say("Changing the remote: note 2 is done, note 4 is new...");
        transaction(transport,
                "UPDATE " + TABLE + " SET body = 'called Ada' WHERE id = 2",
                "INSERT INTO " + TABLE + " VALUES (4, 'write the docs')");

        say("Asking for what changed since revision " + snapshot.header().revision() + "...");
        long changedPages = transport.pullUpdates(PullUpdatesReqProtoBody.newBuilder()
                        .setClientRevision(snapshot.header().revision()).build())
                .ofType(PulledPage.class)
                .count()
                .block(WAIT);
        say("  " + changedPages + " changed page(s) of " + snapshot.header().databaseSizePages()
                + ": an incremental pull sends only those.");
        // Applying them to an open replica safely is the SyncClient's job (next milestone); here a fresh
        // snapshot shows the new state.
        new SnapshotFileWriter(Schedulers.boundedElastic())
                .write(transport.pullUpdates(PullUpdatesReqProtoBody.getDefaultInstance()), replica)
                .block(WAIT);
        printNotes(replica);
    }

    private static void transaction(SyncTransport transport, String... statements) {
        List<BatchStep> steps = new java.util.ArrayList<>();
        steps.add(new BatchStep(null, HranaStatement.update("BEGIN IMMEDIATE")));
        for (String sql : statements) {
            steps.add(new BatchStep(BatchCondition.ok(steps.size() - 1), HranaStatement.update(sql)));
        }
        steps.add(new BatchStep(BatchCondition.ok(steps.size() - 1), HranaStatement.update("COMMIT")));
        steps.add(new BatchStep(BatchCondition.not(BatchCondition.ok(steps.size() - 1)),
                HranaStatement.update("ROLLBACK")));
        PipelineResult result = transport.pipeline(List.of(new PipelineRequest.Batch(steps))).block(WAIT)
                .results().get(0);
        if (!(result instanceof PipelineResult.BatchOk ok)) {
            throw new IllegalStateException("the remote rejected the batch: " + result);
        }
        BatchResult batch = ok.result();
        for (int i = 0; i < steps.size(); i++) {
            int step = i;
            batch.error(step).ifPresent(error -> {
                throw new IllegalStateException("remote statement failed: " + steps.get(step).statement().sql()
                        + ": " + error.message());
            });
        }
    }

    private static void printNotes(Path replica) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + replica);
             ResultSet check = connection.createStatement().executeQuery("PRAGMA integrity_check")) {
            check.next();
            say("  local SQLite integrity_check: " + check.getString(1));
            try (ResultSet rows = connection.createStatement()
                    .executeQuery("SELECT id, body FROM " + TABLE + " ORDER BY id")) {
                while (rows.next()) {
                    say("    note " + rows.getLong(1) + ": " + rows.getString(2));
                }
            }
        }
    }

    private static void deleteRecursively(Path folder) throws IOException {
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    private static void say(String line) {
        System.out.println(line);
    }
}
