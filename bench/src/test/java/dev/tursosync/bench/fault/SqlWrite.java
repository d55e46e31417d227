package dev.tursosync.bench.fault;

import java.util.Random;

/**
 * The SQL of one write: an insert, an update or an upsert for {@code SET} (depending on whether the row exists, and
 * at random), a delete, or the insert of a token.
 *
 * @param sql  the statement
 * @param args its parameters
 */
record SqlWrite(String sql, Object[] args) {

    /**
     * Picks the statement of a write.
     *
     * @param write   the write
     * @param writer  the writer's name
     * @param present whether the key has a row now
     * @param random  picks the form
     * @return the statement
     */
    static SqlWrite of(Write write, String writer, boolean present, Random random) {
        return switch (write.kind()) {
            case SET -> {
                if (random.nextInt(100) < 30) {
                    yield new SqlWrite("INSERT INTO " + FaultTables.KV + " (id, writer, val) VALUES (?, ?, ?)"
                            + " ON CONFLICT(id) DO UPDATE SET val = excluded.val",
                            new Object[] {write.key(), writer, write.value()});
                }
                yield present
                        ? new SqlWrite("UPDATE " + FaultTables.KV + " SET val = ? WHERE id = ?",
                                new Object[] {write.value(), write.key()})
                        : new SqlWrite("INSERT INTO " + FaultTables.KV + " (id, writer, val) VALUES (?, ?, ?)",
                                new Object[] {write.key(), writer, write.value()});
            }
            case DELETE -> new SqlWrite("DELETE FROM " + FaultTables.KV + " WHERE id = ?", new Object[] {write.key()});
            case TOKEN -> new SqlWrite("INSERT INTO " + FaultTables.LOG + " (token) VALUES (?)",
                    new Object[] {write.value()});
        };
    }
}
