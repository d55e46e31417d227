package dev.tursosync.bench;

import dev.tursosync.testing.RemoteSql;

/**
 * The remote table used for size-based workloads: {@code big(id INTEGER PRIMARY KEY, tag TEXT, blob BLOB)} with
 * about 1 KB of random bytes per row, so {@code rows / 1000} is roughly the database size in MB.
 */
final class BlobTable {

    /** Rows per seeding transaction. */
    private static final int ROWS_PER_TRANSACTION = 5_000;

    private BlobTable() {
    }

    /**
     * Creates the table and fills it with {@code rows} rows, ids 1 to {@code rows}.
     *
     * @param remote the remote writer
     * @param rows   how many rows
     */
    static void seed(RemoteSql remote, int rows) {
        remote.transaction("CREATE TABLE big (id INTEGER PRIMARY KEY, tag TEXT, blob BLOB)");
        for (int first = 1; first <= rows; first += ROWS_PER_TRANSACTION) {
            int last = Math.min(rows, first + ROWS_PER_TRANSACTION - 1);
            remote.transaction("INSERT INTO big SELECT value, 'tag-' || value, randomblob(1000) FROM generate_series("
                    + first + ", " + last + ")");
        }
    }

    /**
     * Changes the tag of {@code count} rows spread evenly over the table, so each lands on a different page.
     *
     * @param remote the remote writer
     * @param rows   how many rows the table has
     * @param count  how many rows to change
     * @param round  a number that makes the new values differ from the last round's
     */
    static void changeSpreadRows(RemoteSql remote, int rows, int count, int round) {
        StringBuilder ids = new StringBuilder();
        long step = rows / count;
        for (int i = 0; i < count; i++) {
            ids.append(i == 0 ? "" : ", ").append(1 + i * step + round % step);
        }
        remote.transaction("UPDATE big SET tag = 'round-" + round + "-' || id WHERE id IN (" + ids + ")");
    }
}
