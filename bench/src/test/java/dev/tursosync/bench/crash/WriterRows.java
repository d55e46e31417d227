package dev.tursosync.bench.crash;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The rows one local writer owns: its key-value rows (key to tag) and its log rows (tags). Immutable.
 *
 * @param values key to the tag of the row's payload, for the keys that have a row
 * @param logs   the tags of its rows in {@link CrashTables#LOG}
 */
record WriterRows(Map<Long, String> values, Set<String> logs) {

    /** No rows. */
    static final WriterRows EMPTY = new WriterRows(Map.of(), Set.of());

    WriterRows {
        values = Map.copyOf(values);
        logs = Set.copyOf(logs);
    }

    /**
     * The rows after a transaction.
     *
     * @param ops the transaction's writes
     * @return the new rows
     */
    WriterRows after(List<WriteOp> ops) {
        Map<Long, String> nextValues = new TreeMap<>(values);
        Set<String> nextLogs = new TreeSet<>(logs);
        for (WriteOp op : ops) {
            switch (op.kind()) {
                case SET -> nextValues.put(op.key(), op.tag());
                case DELETE -> nextValues.remove(op.key());
                case LOG_INSERT -> nextLogs.add(op.tag());
                case LOG_DELETE -> nextLogs.remove(op.tag());
                default -> throw new IllegalStateException(op.toString());
            }
        }
        return new WriterRows(nextValues, nextLogs);
    }

    @Override
    public String toString() {
        return "values " + new TreeMap<>(values) + ", logs " + new TreeSet<>(logs);
    }
}
