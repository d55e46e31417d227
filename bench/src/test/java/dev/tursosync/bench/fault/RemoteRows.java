package dev.tursosync.bench.fault;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The remote's rows of the suite's tables.
 *
 * @param quoted both tables as {@link FaultTables#ROW_QUERIES} give them, to compare with the replicas
 * @param rows   key-value rows by key: id, writer, val
 * @param tokens the log rows' tokens, once per row, sorted
 */
record RemoteRows(List<String> quoted, Map<Long, List<Object>> rows, List<String> tokens) {

    /**
     * The key-value rows of one writer.
     *
     * @param writer its name
     * @return key to value
     */
    Map<Long, String> valuesOf(String writer) {
        Map<Long, String> values = new TreeMap<>();
        rows.forEach((key, row) -> {
            if (writer.equals(row.get(1))) {
                values.put(key, (String) row.get(2));
            }
        });
        return values;
    }
}
