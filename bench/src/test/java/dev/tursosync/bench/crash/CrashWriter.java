package dev.tursosync.bench.crash;

import dev.tursosync.internal.db.ConnectionManager;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * One local writer of the child: small transactions (one to three writes: insert, update, upsert or delete of its
 * own key-value rows, insert or delete of its own log rows) through the client's connections, each recorded in the
 * {@link WriteLog} before it starts and after it commits.
 *
 * <p>It knows its rows (read once at the start) and checks that every update and delete hits exactly one row: a
 * row that a pull lost or brought back would stop it with an error.
 */
final class CrashWriter implements Runnable {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int MAX_LOG_ROWS = 24;

    private final int writer;
    private final int run;
    private final ConnectionManager connections;
    private final WriteLog log;
    private final Random random;
    private WriterRows rows;
    private long seq;

    /**
     * Creates a writer.
     *
     * @param writer      its number, from 1
     * @param run         the child's run number, part of every tag
     * @param connections the client's connections
     * @param log         the write log of this run
     * @param random      its random choices
     * @param rows        the rows it owns now
     */
    CrashWriter(int writer, int run, ConnectionManager connections, WriteLog log, Random random, WriterRows rows) {
        this.writer = writer;
        this.run = run;
        this.connections = connections;
        this.log = log;
        this.random = random;
        this.rows = rows;
    }

    @Override
    public void run() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                List<WriteOp> ops = choose();
                long current = ++seq;
                log.intent(writer, current, ops);
                WriterRows before = rows;
                connections.withConnection(connection -> {
                    transaction(connection, before, ops);
                    return true;
                }).block(WAIT);
                log.committed(writer, current);
                rows = before.after(ops);
                Thread.sleep(1 + random.nextInt(8));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private List<WriteOp> choose() {
        List<WriteOp> ops = new ArrayList<>();
        WriterRows planned = rows;
        for (int i = 0, n = 1 + random.nextInt(3); i < n; i++) {
            String tag = "w" + writer + ".r" + run + ".s" + (seq + 1) + "." + i;
            int dice = random.nextInt(100);
            WriteOp op;
            if (dice < 60) {
                long key = CrashTables.key(writer, random.nextInt(CrashTables.KEYS_PER_WRITER));
                op = planned.values().containsKey(key) && random.nextInt(100) < 30 ? WriteOp.delete(key)
                        : WriteOp.set(key, tag);
            } else if (!planned.logs().isEmpty() && (dice < 75 || planned.logs().size() > MAX_LOG_ROWS)) {
                List<String> logs = new ArrayList<>(planned.logs());
                op = WriteOp.logDelete(logs.get(random.nextInt(logs.size())));
            } else {
                op = WriteOp.logInsert(tag);
            }
            ops.add(op);
            planned = planned.after(List.of(op));
        }
        return ops;
    }

    /** Runs the writes in one {@code BEGIN IMMEDIATE} transaction, checking each one's row count. */
    private void transaction(Connection connection, WriterRows before, List<WriteOp> ops) throws SQLException {
        execute(connection, "BEGIN IMMEDIATE");
        try {
            WriterRows current = before;
            for (WriteOp op : ops) {
                write(connection, current, op);
                current = current.after(List.of(op));
            }
            execute(connection, "COMMIT");
        } catch (SQLException | RuntimeException e) {
            try {
                execute(connection, "ROLLBACK");
            } catch (SQLException rollback) {
                e.addSuppressed(rollback);
            }
            throw e;
        }
    }

    private void write(Connection connection, WriterRows current, WriteOp op) throws SQLException {
        boolean present = current.values().containsKey(op.key());
        String sql;
        Object[] args;
        switch (op.kind()) {
            case SET -> {
                String payload = CrashTables.payload(op.tag());
                if (random.nextInt(100) < 30) {
                    sql = "INSERT INTO " + CrashTables.KV + " (id, payload) VALUES (?, ?)"
                            + " ON CONFLICT(id) DO UPDATE SET payload = excluded.payload";
                    args = new Object[] {op.key(), payload};
                } else if (present) {
                    sql = "UPDATE " + CrashTables.KV + " SET payload = ? WHERE id = ?";
                    args = new Object[] {payload, op.key()};
                } else {
                    sql = "INSERT INTO " + CrashTables.KV + " (id, payload) VALUES (?, ?)";
                    args = new Object[] {op.key(), payload};
                }
            }
            case DELETE -> {
                sql = "DELETE FROM " + CrashTables.KV + " WHERE id = ?";
                args = new Object[] {op.key()};
            }
            case LOG_INSERT -> {
                sql = "INSERT INTO " + CrashTables.LOG + " (payload) VALUES (?)";
                args = new Object[] {op.tag()};
            }
            case LOG_DELETE -> {
                sql = "DELETE FROM " + CrashTables.LOG + " WHERE payload = ?";
                args = new Object[] {op.tag()};
            }
            default -> throw new IllegalStateException(op.toString());
        }
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                statement.setObject(i + 1, args[i]);
            }
            int changed = statement.executeUpdate();
            if (changed != 1) {
                throw new IllegalStateException("writer " + writer + ": " + op + " changed " + changed
                        + " rows, expected 1; the writer's rows were " + current);
            }
        }
        connections.afterStatement(connection, sql);
    }

    private void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
        connections.afterStatement(connection, sql);
    }
}
