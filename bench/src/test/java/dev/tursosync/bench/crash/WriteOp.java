package dev.tursosync.bench.crash;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One row write of a local writer, as it is written to and read from the write log.
 *
 * @param kind what it does
 * @param key  the key of {@link CrashTables#KV} ({@code SET}, {@code DELETE}), else 0
 * @param tag  the tag written ({@code SET}), inserted or deleted ({@code LOG_INSERT}, {@code LOG_DELETE}), else
 *             {@code null}
 */
record WriteOp(Kind kind, long key, String tag) {

    /** What a write does. */
    enum Kind {
        /** Inserts or updates a key-value row; written {@code S<key>=<tag>}. */
        SET,
        /** Deletes a key-value row; written {@code D<key>}. */
        DELETE,
        /** Inserts a log row; written {@code +<tag>}. */
        LOG_INSERT,
        /** Deletes a log row; written {@code -<tag>}. */
        LOG_DELETE
    }

    static WriteOp set(long key, String tag) {
        return new WriteOp(Kind.SET, key, tag);
    }

    static WriteOp delete(long key) {
        return new WriteOp(Kind.DELETE, key, null);
    }

    static WriteOp logInsert(String tag) {
        return new WriteOp(Kind.LOG_INSERT, 0, tag);
    }

    static WriteOp logDelete(String tag) {
        return new WriteOp(Kind.LOG_DELETE, 0, tag);
    }

    /**
     * The log form of a transaction's writes.
     *
     * @param ops the writes
     * @return them joined with commas
     */
    static String encode(List<WriteOp> ops) {
        return ops.stream().map(WriteOp::encode).collect(Collectors.joining(","));
    }

    /**
     * Reads the writes of a transaction.
     *
     * @param text the log form
     * @return the writes
     */
    static List<WriteOp> decode(String text) {
        return Arrays.stream(text.split(",")).map(WriteOp::decodeOne).toList();
    }

    private String encode() {
        return switch (kind) {
            case SET -> "S" + key + "=" + tag;
            case DELETE -> "D" + key;
            case LOG_INSERT -> "+" + tag;
            case LOG_DELETE -> "-" + tag;
        };
    }

    private static WriteOp decodeOne(String text) {
        return switch (text.charAt(0)) {
            case 'S' -> set(Long.parseLong(text.substring(1, text.indexOf('='))),
                    text.substring(text.indexOf('=') + 1));
            case 'D' -> delete(Long.parseLong(text.substring(1)));
            case '+' -> logInsert(text.substring(1));
            case '-' -> logDelete(text.substring(1));
            default -> throw new IllegalArgumentException("not a write: " + text);
        };
    }
}
