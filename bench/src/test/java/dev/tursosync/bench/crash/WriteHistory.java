package dev.tursosync.bench.crash;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the killed children wrote, read from their {@link WriteLog}s: per writer, the rows confirmed by the last check
 * and the transactions logged since, so that the rows a replica must hold can be computed.
 *
 * <p>A transaction with its commit line committed; one with only its intent line was running when the child died
 * and may or may not have committed (at most one per writer and run). A line cut by the kill is ignored, which only
 * widens what is accepted for that transaction.
 */
final class WriteHistory {

    /** A logged transaction. */
    private record Transaction(int run, long seq, List<WriteOp> ops, boolean committed) {
        @Override
        public String toString() {
            return "run " + run + " seq " + seq + (committed ? " committed " : " in flight ") + WriteOp.encode(ops);
        }
    }

    /** How a writer's rows matched its history. */
    enum Match {
        /** The rows are those of the last committed transaction. */
        LAST_COMMITTED,
        /** The rows also hold a transaction that was in flight at the kill (committed, not yet logged). */
        WITH_IN_FLIGHT
    }

    private final Map<Integer, WriterRows> confirmed = new HashMap<>();
    private final Map<Integer, List<Transaction>> unchecked = new HashMap<>();
    private final Map<Long, Set<String>> tagsOfKey = new HashMap<>();
    private final Set<String> logTags = new HashSet<>();
    private int committedTransactions;
    private int inFlightTransactions;

    /**
     * Reads the write log of one child run; call once per run, in run order, after the child ended.
     *
     * @param file the run's log (may be missing: the child died before creating it)
     * @param run  the run number
     */
    void readRun(Path file, int run) {
        if (!Files.exists(file)) {
            return;
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int end = text.lastIndexOf('\n');
        Map<String, Transaction> intents = new LinkedHashMap<>();
        Set<String> commits = new HashSet<>();
        for (String line : end < 0 ? new String[0] : text.substring(0, end).split("\n")) {
            String[] parts = line.split(" ");
            String id = parts[1] + " " + parts[2];
            if (parts[0].equals("I")) {
                intents.put(id, new Transaction(run, Long.parseLong(parts[2]), WriteOp.decode(parts[3]), false));
            } else if (parts[0].equals("C")) {
                commits.add(id);
            } else {
                throw new IllegalStateException("bad line in " + file + ": " + line);
            }
        }
        intents.forEach((id, intent) -> {
            int writer = Integer.parseInt(id.split(" ")[0]);
            boolean committed = commits.contains(id);
            Transaction transaction = new Transaction(run, intent.seq(), intent.ops(), committed);
            unchecked.computeIfAbsent(writer, w -> new ArrayList<>()).add(transaction);
            if (committed) {
                committedTransactions++;
            } else {
                inFlightTransactions++;
            }
            for (WriteOp op : intent.ops()) {
                if (op.kind() == WriteOp.Kind.SET) {
                    tagsOfKey.computeIfAbsent(op.key(), key -> new HashSet<>()).add(op.tag());
                } else if (op.kind() == WriteOp.Kind.LOG_INSERT) {
                    logTags.add(op.tag());
                }
            }
        });
    }

    /**
     * Checks a writer's rows in a replica against its history: they must be the rows after its last committed
     * transaction, with or without each transaction that was in flight at a kill. On success the rows become the
     * confirmed state the next check starts from.
     *
     * @param writer the writer
     * @param actual the rows the replica holds
     * @return how they matched
     * @throws AssertionError if they match no possible state
     */
    Match confirm(int writer, WriterRows actual) {
        List<Transaction> transactions = unchecked.getOrDefault(writer, List.of());
        Map<WriterRows, Boolean> possible = new LinkedHashMap<>();
        possible.put(confirmed.getOrDefault(writer, WriterRows.EMPTY), false);
        for (Transaction transaction : transactions) {
            Map<WriterRows, Boolean> next = new LinkedHashMap<>();
            possible.forEach((rows, withInFlight) -> {
                if (transaction.committed()) {
                    next.merge(rows.after(transaction.ops()), withInFlight, Boolean::logicalAnd);
                } else {
                    next.merge(rows, withInFlight, Boolean::logicalAnd);
                    next.merge(rows.after(transaction.ops()), true, Boolean::logicalAnd);
                }
            });
            possible = next;
        }
        Boolean withInFlight = possible.get(actual);
        if (withInFlight == null) {
            throw new AssertionError("writer " + writer + " lost or changed a committed write.\n  replica: " + actual
                    + "\n  possible states: " + possible.keySet() + "\n  transactions since the last check:\n    "
                    + String.join("\n    ", transactions.stream().map(Transaction::toString).toList()));
        }
        confirmed.put(writer, actual);
        unchecked.remove(writer);
        return withInFlight ? Match.WITH_IN_FLIGHT : Match.LAST_COMMITTED;
    }

    /**
     * The rows last confirmed for a writer.
     *
     * @param writer the writer
     * @return its rows
     */
    WriterRows confirmed(int writer) {
        return confirmed.getOrDefault(writer, WriterRows.EMPTY);
    }

    /**
     * Whether a tag was ever written to a key (so the remote may hold it).
     *
     * @param key the key
     * @param tag the tag
     * @return whether some logged transaction set it
     */
    boolean wasWritten(long key, String tag) {
        return tagsOfKey.getOrDefault(key, Set.of()).contains(tag);
    }

    /**
     * Whether a log tag was ever inserted.
     *
     * @param tag the tag
     * @return whether some logged transaction inserted it
     */
    boolean wasInserted(String tag) {
        return logTags.contains(tag);
    }

    int committedTransactions() {
        return committedTransactions;
    }

    int inFlightTransactions() {
        return inFlightTransactions;
    }
}
