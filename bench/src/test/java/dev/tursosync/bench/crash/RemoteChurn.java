package dev.tursosync.bench.crash;

import dev.tursosync.testing.RemoteSql;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Another client changing the remote while the children run: every few tens of milliseconds one remote transaction
 * of one to three writes (upserts and deletes of its own keys, inserts and deletes of its own log rows), on a thread of
 * its own. It keeps the rows it committed, to compare with the remote at the end.
 */
final class RemoteChurn implements AutoCloseable {

    private final RemoteSql writer;
    private final Random random;
    private final Thread thread;
    private final AtomicInteger transactions = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile WriterRows rows = WriterRows.EMPTY;
    private volatile boolean stopping;
    private int next;

    /**
     * Starts the churn.
     *
     * @param url    the remote
     * @param random its random choices
     */
    RemoteChurn(String url, Random random) {
        this.writer = new RemoteSql(url);
        this.random = random;
        this.thread = new Thread(this::loop, "remote-churn");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        try {
            while (!stopping) {
                List<WriteOp> ops = choose();
                writer.transaction(ops.stream().map(RemoteChurn::sql).toArray(String[]::new));
                rows = rows.after(ops);
                transactions.incrementAndGet();
                Thread.sleep(20 + random.nextInt(40));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable e) {
            failure.set(e);
        }
    }

    private List<WriteOp> choose() {
        List<WriteOp> ops = new ArrayList<>();
        WriterRows planned = rows;
        int transaction = ++next;
        for (int i = 0, n = 1 + random.nextInt(3); i < n; i++) {
            String tag = "R." + transaction + "." + i;
            int dice = random.nextInt(100);
            WriteOp op;
            if (dice < 55) {
                op = WriteOp.set(CrashTables.REMOTE_KEY_BASE + 1 + random.nextInt(CrashTables.REMOTE_KEYS), tag);
            } else if (dice < 65) {
                op = WriteOp.delete(CrashTables.REMOTE_KEY_BASE + 1 + random.nextInt(CrashTables.REMOTE_KEYS));
            } else if (dice < 82 || planned.logs().size() < 4) {
                op = WriteOp.logInsert(tag);
            } else {
                List<String> logs = new ArrayList<>(planned.logs());
                op = WriteOp.logDelete(logs.get(random.nextInt(logs.size())));
            }
            ops.add(op);
            planned = planned.after(List.of(op));
        }
        return ops;
    }

    private static String sql(WriteOp op) {
        return switch (op.kind()) {
            case SET -> "INSERT INTO " + CrashTables.KV + " (id, payload) VALUES (" + op.key() + ", '"
                    + CrashTables.payload(op.tag()) + "') ON CONFLICT(id) DO UPDATE SET payload = excluded.payload";
            case DELETE -> "DELETE FROM " + CrashTables.KV + " WHERE id = " + op.key();
            case LOG_INSERT -> "INSERT INTO " + CrashTables.LOG + " (payload) VALUES ('" + op.tag() + "')";
            case LOG_DELETE -> "DELETE FROM " + CrashTables.LOG + " WHERE payload = '" + op.tag() + "'";
        };
    }

    /**
     * The rows the churn committed.
     *
     * @return its key-value rows and log tags
     */
    WriterRows rows() {
        return rows;
    }

    /**
     * How many remote transactions it committed.
     *
     * @return the count
     */
    int transactions() {
        return transactions.get();
    }

    /**
     * Fails if a remote transaction failed so far.
     *
     * @throws AssertionError if one did
     */
    void check() {
        Throwable failed = failure.get();
        if (failed != null) {
            throw new AssertionError("the remote writer failed: " + failed, failed);
        }
    }

    /**
     * Stops the churn and fails if it failed.
     *
     * @throws AssertionError if a remote transaction failed
     */
    void stop() throws InterruptedException {
        stopping = true;
        thread.join(TimeUnit.MINUTES.toMillis(1));
        check();
    }

    @Override
    public void close() throws InterruptedException {
        try {
            stop();
        } finally {
            writer.close();
        }
    }
}
