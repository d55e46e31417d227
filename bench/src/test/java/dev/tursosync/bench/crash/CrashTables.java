package dev.tursosync.bench.crash;

/**
 * The data of the rebase crash suite: two tables, who owns which rows, and how a row's payload is built from its tag.
 *
 * <p>{@value #KV} has an INTEGER PRIMARY KEY; each local writer owns {@value #KEYS_PER_WRITER} keys, the remote
 * writer its own range from {@value #REMOTE_KEY_BASE}, so a writer's keys change only through that writer and the
 * last value it committed must survive. {@value #LOG} has no primary key: its rows are unique tags, so a change pushed
 * twice would show as a duplicate row.
 *
 * <p>A tag names one write: {@code w<writer>.r<run>.s<seq>.<op>} for the local writers, {@code R.<n>.<op>} for the
 * remote one. A key-value payload is its tag, {@code ~}, and a padding derived from the tag (up to 6,000 characters,
 * so some rows spill into overflow pages); a log row's payload is its tag.
 */
final class CrashTables {

    /** The table with an INTEGER PRIMARY KEY. */
    static final String KV = "crash_kv";
    /** The table without a primary key. */
    static final String LOG = "crash_log";
    /** Keys each local writer owns: {@code writer * 1000 + 1 .. writer * 1000 + KEYS_PER_WRITER}. */
    static final int KEYS_PER_WRITER = 16;
    /** The first key of the remote writer. */
    static final long REMOTE_KEY_BASE = 900_000;
    /** Keys the remote writer owns, from {@code REMOTE_KEY_BASE + 1}. */
    static final int REMOTE_KEYS = 24;

    /** Creates both tables on the remote. */
    static final String[] SCHEMA = {
        "CREATE TABLE " + KV + " (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)",
        "CREATE TABLE " + LOG + " (payload TEXT NOT NULL)"
    };

    private CrashTables() {
    }

    /**
     * A key of a local writer.
     *
     * @param writer the writer, from 1
     * @param index  the key's index, 0 to {@link #KEYS_PER_WRITER} - 1
     * @return the key
     */
    static long key(int writer, int index) {
        return writer * 1000L + 1 + index;
    }

    /**
     * The writer that owns a key.
     *
     * @param key a key of {@link #KV}
     * @return the writer, or 0 for the remote writer's keys
     */
    static int ownerOfKey(long key) {
        return key > REMOTE_KEY_BASE ? 0 : (int) ((key - 1) / 1000);
    }

    /**
     * The writer that wrote a tag.
     *
     * @param tag a tag
     * @return the writer, or 0 for the remote writer
     */
    static int ownerOfTag(String tag) {
        if (!tag.startsWith("w")) {
            return 0;
        }
        return Integer.parseInt(tag.substring(1, tag.indexOf('.')));
    }

    /**
     * The payload of a key-value row.
     *
     * @param tag the write's tag
     * @return the tag, {@code ~} and its padding
     */
    static String payload(String tag) {
        int hash = tag.hashCode() & 0x7fffffff;
        int length = hash % 16 == 0 ? 4500 + hash % 1500 : hash % 1500;
        StringBuilder padding = new StringBuilder(length);
        while (padding.length() < length) {
            padding.append(tag);
        }
        padding.setLength(length);
        return tag + "~" + padding;
    }

    /**
     * The tag of a key-value payload, checking its padding.
     *
     * @param payload a payload read from {@link #KV}
     * @return the tag
     * @throws IllegalStateException if the payload is not one {@link #payload} builds
     */
    static String tagOf(String payload) {
        int end = payload.indexOf('~');
        String tag = end < 0 ? payload : payload.substring(0, end);
        if (!payload(tag).equals(payload)) {
            throw new IllegalStateException("damaged payload of " + payload.length() + " characters starting "
                    + payload.substring(0, Math.min(80, payload.length())));
        }
        return tag;
    }
}
