package dev.tursosync.bench;

import java.util.List;

/**
 * One way of running the local workloads on a replica: the R2DBC driver, raw sqlite-jdbc on the same file, or the
 * JS client on its own replica. Tables are {@code (id INTEGER PRIMARY KEY, data TEXT NOT NULL)}; each method times
 * only the work (connections, statements and text are ready before the clock starts) and checks what it did.
 */
interface LocalEngine extends AutoCloseable {

    /**
     * The name in the report, such as {@code R2DBC}.
     *
     * @return the name
     */
    String name();

    /**
     * Inserts rows in one transaction, one statement execution per row.
     *
     * @param table the table to insert into
     * @param texts the {@code data} of each row
     * @return the run; latencies are per statement
     * @throws Exception on failure
     */
    Throughput insertTransaction(String table, List<String> texts) throws Exception;

    /**
     * Inserts rows in one transaction, {@code batch} rows per execution ({@code Statement.add()} in R2DBC).
     *
     * @param table the table to insert into
     * @param texts the {@code data} of each row
     * @param batch rows per execution; divides the number of rows
     * @return the run; latencies are per batch
     * @throws Exception on failure
     */
    Throughput insertBatches(String table, List<String> texts, int batch) throws Exception;

    /**
     * Auto-commit single-row inserts from concurrent subscribers, each on its own connection.
     *
     * @param table       the table to insert into
     * @param texts       the {@code data} of each row; subscriber {@code s} inserts rows {@code s, s + n, ...}
     * @param subscribers how many at once
     * @return the run; latencies are per insert
     * @throws Exception on failure
     */
    Throughput concurrentWrites(String table, List<String> texts, int subscribers) throws Exception;

    /**
     * Selects rows by primary key from concurrent subscribers, each on its own connection: select {@code i} reads
     * id {@link LocalIds#of(int, int) LocalIds.of(i, tableRows)}.
     *
     * @param table       the table, holding ids 1 to {@code tableRows}
     * @param count       how many selects
     * @param tableRows   rows in the table
     * @param subscribers how many at once
     * @return the run; latencies are per select
     * @throws Exception on failure, or when a row is missing
     */
    Throughput pointSelects(String table, int count, int tableRows, int subscribers) throws Exception;

    /**
     * Scans the first rows of a table in id order, one after another, reading every row's values; the consumer asks
     * for rows as it goes (backpressure), the result is never collected whole.
     *
     * @param table the table
     * @param rows  rows per scan
     * @param scans how many scans
     * @return the run; ops are rows, latencies are per scan
     * @throws Exception on failure, or when a scan sees fewer rows
     */
    Throughput scans(String table, int rows, int scans) throws Exception;

    @Override
    void close();
}
