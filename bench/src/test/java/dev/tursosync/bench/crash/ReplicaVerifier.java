package dev.tursosync.bench.crash;

import dev.tursosync.SyncClient;
import dev.tursosync.internal.client.DefaultSyncClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The checks after a kill: the replica is reopened by a new client (which finishes or undoes what the kill
 * interrupted), then
 * <ul>
 *   <li>{@code PRAGMA integrity_check} is {@code ok};</li>
 *   <li>each writer's rows are those of its last committed transaction (or include the one in flight at the kill);</li>
 *   <li>each writer row that differs from the remote has a pending change, so every committed write is on the
 *       remote or still waits locally to be pushed;</li>
 *   <li>no log row is held twice, locally or on the remote;</li>
 *   <li>the remote holds only values the writers wrote.</li>
 * </ul>
 */
final class ReplicaVerifier {

    /** The report section of the checks. */
    static final String CHECKS = "checks passed";
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final Path db;
    private final String url;
    private final int writers;
    private final WriteHistory history;
    private final RemoteTables remote;
    private final CrashCounts counts;

    ReplicaVerifier(Path db, String url, int writers, WriteHistory history, RemoteTables remote, CrashCounts counts) {
        this.db = db;
        this.url = url;
        this.writers = writers;
        this.history = history;
        this.remote = remote;
        this.counts = counts;
    }

    /**
     * Reopens the replica and runs every check.
     *
     * @param context what to print with a failure (seed, trial, the child's output)
     * @throws AssertionError if a check fails
     */
    void verify(String context) {
        boolean journal = CrashClients.holdsJournal(db);
        ReplicaState local = reopenAndRead(context);
        counts.add(CHECKS, "reopen succeeded (recovery on open)");
        if (journal) {
            counts.add(CHECKS, "reopen finished or undid a pull the kill interrupted (rebase journal present)");
        }
        check(local.integrity().equals("ok"), context, "integrity_check: " + local.integrity());
        counts.add(CHECKS, "integrity_check ok");
        TableRows remoteRows = remote.read();
        check(local.rows().duplicateLogs().isEmpty(), context, "duplicate local log rows "
                + local.rows().duplicateLogs());
        check(remoteRows.duplicateLogs().isEmpty(), context, "duplicate remote log rows "
                + remoteRows.duplicateLogs());
        counts.add(CHECKS, "no duplicate log row, locally and on the remote");
        for (int writer = 1; writer <= writers; writer++) {
            WriteHistory.Match match;
            try {
                match = history.confirm(writer, local.rows().of(writer));
            } catch (AssertionError e) {
                throw new AssertionError(context + ": " + e.getMessage(), e);
            }
            counts.add(CHECKS, match == WriteHistory.Match.LAST_COMMITTED
                    ? "writer rows = its last committed transaction"
                    : "writer rows = its last committed transaction + the one in flight at the kill");
            int pending = checkPendingOrPushed(writer, local, remoteRows, context);
            counts.add("rows", "writer rows differing from the remote, still pending", pending);
        }
        counts.add(CHECKS, "every writer row differing from the remote has a pending change");
        checkRemoteWasWritten(remoteRows, context);
        counts.add(CHECKS, "the remote holds only values the writers wrote");
    }

    private ReplicaState reopenAndRead(String context) {
        SyncClient client = CrashClients.replica(db, url);
        try {
            client.open().block(WAIT);
            return ((DefaultSyncClient) client).connections().withConnection(ReplicaState::read).block(WAIT);
        } catch (RuntimeException e) {
            throw new AssertionError(context + ": reopening the replica failed: " + e, e);
        } finally {
            client.close().block(WAIT);
        }
    }

    /** Each row of the writer that differs between local and remote must have a pending change. */
    private int checkPendingOrPushed(int writer, ReplicaState local, TableRows remoteRows, String context) {
        int differing = 0;
        for (int index = 0; index < CrashTables.KEYS_PER_WRITER; index++) {
            long key = CrashTables.key(writer, index);
            String here = local.rows().values().get(key);
            String there = remoteRows.values().get(key);
            if (!Objects.equals(here, there)) {
                differing++;
                check(local.pending().keys().contains(key), context, "key " + key + " is " + here
                        + " locally and " + there + " on the remote, with no pending change");
            }
        }
        Set<String> tags = new TreeSet<>(local.rows().of(writer).logs());
        tags.addAll(remoteRows.of(writer).logs());
        for (String tag : tags) {
            boolean here = local.rows().logs().containsKey(tag);
            boolean there = remoteRows.logs().containsKey(tag);
            if (here != there) {
                differing++;
                check(local.pending().logs().contains(tag), context, "log row " + tag + " is "
                        + (here ? "local only" : "remote only") + ", with no pending change");
            }
        }
        return differing;
    }

    private void checkRemoteWasWritten(TableRows remoteRows, String context) {
        for (Map.Entry<Long, String> row : remoteRows.values().entrySet()) {
            if (CrashTables.ownerOfKey(row.getKey()) != 0) {
                check(history.wasWritten(row.getKey(), row.getValue()), context, "the remote holds "
                        + row.getValue() + " at key " + row.getKey() + ", which no writer wrote there");
            }
        }
        for (String tag : remoteRows.logs().keySet()) {
            if (CrashTables.ownerOfTag(tag) != 0) {
                check(history.wasInserted(tag), context, "the remote holds log row " + tag
                        + ", which no writer inserted");
            }
        }
    }

    private static void check(boolean condition, String context, String failure) {
        if (!condition) {
            throw new AssertionError(context + ": " + failure);
        }
    }
}
