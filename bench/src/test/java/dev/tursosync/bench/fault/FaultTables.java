package dev.tursosync.bench.fault;

import java.util.List;

/**
 * The data of the fault-injection suite: two tables, which writer owns which rows, and how values are built.
 *
 * <p>{@value #KV} has an INTEGER PRIMARY KEY; each writer owns {@value #KEYS_PER_WRITER} keys and is their only
 * writer, so after the final sync each of its keys must hold the last value it committed (or be absent if its last
 * committed write deleted it). {@value #LOG} has no primary key and is insert-only: each row is a unique token, so a
 * change applied twice shows as a duplicate row.
 *
 * <p>A value is its tag ({@code <writer>.<seq>.<i>}, unique), {@code ~} and a padding derived from the tag; one value
 * in twenty is 3,000 to 6,000 characters long, so rows spill into overflow pages and pulls carry several pages.
 */
final class FaultTables {

    /** The table with an INTEGER PRIMARY KEY. */
    static final String KV = "fault_kv";
    /** The insert-only table without a primary key. */
    static final String LOG = "fault_log";
    /** Keys each writer owns. */
    static final int KEYS_PER_WRITER = 40;

    /** Creates both tables (run once on the remote). */
    static final List<String> SCHEMA = List.of(
            "CREATE TABLE " + KV + " (id INTEGER PRIMARY KEY, writer TEXT NOT NULL, val TEXT NOT NULL)",
            "CREATE TABLE " + LOG + " (token TEXT NOT NULL)");

    /** Both tables as SQLite's {@code quote()} text, one string per row, in a fixed order: compares replicas. */
    static final List<String> ROW_QUERIES = List.of(
            "SELECT quote(id) || '|' || quote(writer) || '|' || quote(val) AS r FROM " + KV + " ORDER BY id",
            "SELECT 'log|' || quote(token) AS r FROM " + LOG + " ORDER BY token");

    /** The key-value rows: id, writer, val. */
    static final String KV_QUERY = "SELECT id, writer, val FROM " + KV + " ORDER BY id";
    /** The log rows: token, once per row. */
    static final String LOG_QUERY = "SELECT token FROM " + LOG + " ORDER BY token";

    private FaultTables() {
    }

    /**
     * A key of a writer.
     *
     * @param writer the writer's number, from 1
     * @param index  from 0 to {@link #KEYS_PER_WRITER} - 1
     * @return the key
     */
    static long key(int writer, int index) {
        return writer * 10_000L + 1 + index;
    }

    /**
     * The value of a write.
     *
     * @param tag the write's unique tag
     * @return the tag, {@code ~} and its padding
     */
    static String value(String tag) {
        int hash = tag.hashCode() & 0x7fffffff;
        int length = hash % 20 == 0 ? 3000 + hash % 3000 : hash % 400;
        StringBuilder padding = new StringBuilder(length);
        while (padding.length() < length) {
            padding.append(tag).append('/');
        }
        padding.setLength(length);
        return tag + "~" + padding;
    }
}
