package dev.tursosync.bench.fault;

/**
 * One row write of a writer.
 *
 * @param kind  what it does
 * @param key   the key of {@link FaultTables#KV}, for {@code SET} and {@code DELETE}
 * @param value the value ({@code SET}) or token ({@code TOKEN}) written, else {@code null}
 */
record Write(Kind kind, long key, String value) {

    /** What a write does. */
    enum Kind {
        /** Inserts or updates a key-value row. */
        SET,
        /** Deletes a key-value row. */
        DELETE,
        /** Inserts a log row. */
        TOKEN
    }

    @Override
    public String toString() {
        return switch (kind) {
            case SET -> "set " + key + "=" + value.substring(0, value.indexOf('~'));
            case DELETE -> "delete " + key;
            case TOKEN -> "token " + value;
        };
    }
}
