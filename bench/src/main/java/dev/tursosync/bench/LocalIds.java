package dev.tursosync.bench;

/** The ids the point selects read, the same sequence in the JS driver: spread over the table, deterministic. */
final class LocalIds {

    private LocalIds() {
    }

    /**
     * The id of select number {@code i}.
     *
     * @param i         the select's number
     * @param tableRows rows in the table (ids 1 to tableRows)
     * @return an id in 1 to tableRows
     */
    static long of(int i, int tableRows) {
        return 1 + (i * 7919L) % tableRows;
    }
}
