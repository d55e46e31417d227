package dev.tursosync.bench.crash;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tursosync.SyncClient;
import dev.tursosync.bench.JsDriver;
import dev.tursosync.bench.JsDriverInstall;
import dev.tursosync.internal.client.DefaultSyncClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The end of the suite: the crashed replica syncs (push, then pull) and must then hold exactly the rows of the
 * remote, of a fresh bootstrap by a second Java client, and of a replica of the official JS client
 * ({@code @tursodatabase/sync}); the writers' rows must be those the checks confirmed last, and the remote writer's
 * rows those it committed.
 */
final class ConvergenceCheck {

    /** Both tables as SQLite's {@code quote()} text, in a fixed order. */
    private static final List<String> ROW_QUERIES = List.of(
            "SELECT quote(id) || '|' || quote(payload) AS r FROM " + CrashTables.KV + " ORDER BY id",
            "SELECT quote(payload) AS r FROM " + CrashTables.LOG + " ORDER BY payload");
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final String url;
    private final RemoteTables remote;
    private final CrashCounts counts;

    ConvergenceCheck(String url, RemoteTables remote, CrashCounts counts) {
        this.url = url;
        this.remote = remote;
        this.counts = counts;
    }

    /**
     * Syncs the replica and compares the four copies.
     *
     * @param db        the crashed replica
     * @param dir       a folder for the two new replicas and the JS driver's log
     * @param jsDir     the folder of {@code driver.mjs}
     * @param writers   how many writers there were
     * @param history   what they wrote
     * @param remoteRows the rows the remote writer committed
     */
    void run(Path db, Path dir, Path jsDir, int writers, WriteHistory history, WriterRows remoteRows)
            throws Exception {
        List<String> crashed;
        SyncClient replica = CrashClients.replica(db, url);
        try {
            replica.open().block(WAIT);
            replica.sync().block(WAIT);
            assertThat(replica.stats().block(WAIT).pendingChanges()).as("pending changes after the final sync")
                    .isZero();
            crashed = javaRows(replica);
        } finally {
            replica.close().block(WAIT);
        }
        TableRows remoteNow = remote.read();
        for (int writer = 1; writer <= writers; writer++) {
            assertThat(remoteNow.of(writer)).as("writer %d's rows on the remote after the final sync", writer)
                    .isEqualTo(history.confirmed(writer));
        }
        assertThat(remoteNow.of(0)).as("the remote writer's rows").isEqualTo(remoteRows);
        assertThat(remoteNow.duplicateLogs()).as("duplicate remote log rows").isEmpty();
        counts.add(ReplicaVerifier.CHECKS, "final: the remote holds every committed write once");

        SyncClient fresh = SyncClient.builder().path(dir.resolve("fresh.db")).url(url).clientName("crashsuite-fresh")
                .build();
        List<String> bootstrapped;
        try {
            fresh.open().block(WAIT);
            bootstrapped = javaRows(fresh);
        } finally {
            fresh.close().block(WAIT);
        }
        assertThat(bootstrapped).as("a fresh Java bootstrap holds the crashed replica's rows").isEqualTo(crashed);
        counts.add(ReplicaVerifier.CHECKS, "final: the crashed replica = a fresh Java bootstrap");

        Path log = Files.createDirectories(dir.resolve("js-logs")).resolve("js-driver.log");
        JsDriverInstall.ensureInstalled(jsDir, log);
        try (JsDriver js = JsDriver.start(jsDir, log)) {
            JsDriver.JsReplica jsReplica = (JsDriver.JsReplica) js.open(url, dir.resolve("js.db"));
            List<String> jsRows = new ArrayList<>();
            for (String query : ROW_QUERIES) {
                jsReplica.query(query).forEach(row -> jsRows.add(String.valueOf(row.get(0))));
            }
            jsReplica.close();
            assertThat(jsRows).as("the official JS client (%s) holds the crashed replica's rows", js.versions())
                    .isEqualTo(crashed);
        }
        counts.add(ReplicaVerifier.CHECKS, "final: the crashed replica = an official JS client replica");
        counts.add("rows", "rows compared in the final comparison", crashed.size());
    }

    private static List<String> javaRows(SyncClient client) {
        return ((DefaultSyncClient) client).connections().withConnection(connection -> {
            List<String> rows = new ArrayList<>();
            try (Statement statement = connection.createStatement()) {
                for (String query : ROW_QUERIES) {
                    try (ResultSet result = statement.executeQuery(query)) {
                        while (result.next()) {
                            rows.add(result.getString(1));
                        }
                    }
                }
            }
            return rows;
        }).block(WAIT);
    }
}
