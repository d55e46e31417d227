package dev.tursosync.internal.capture;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicLong;
import org.sqlite.Function;
import org.sqlite.SQLiteCommitListener;
import org.sqlite.SQLiteConnection;

/**
 * Numbers local transactions for the change log, so that a push never splits one local transaction across two remote
 * batches. Each connection gets the SQL function {@value CaptureNames#TXN_FUNCTION}: the first call in a transaction
 * takes the next number, later calls in the same transaction return it, and the commit or rollback hook ends it.
 * Numbers only grow across connections; a rolled-back transaction leaves a gap, which is harmless.
 */
public final class TransactionIds {

    private final AtomicLong last = new AtomicLong();

    /**
     * Makes sure later numbers are above a number already in the log (after a restart).
     *
     * @param seen a transaction number read from the log
     */
    public void advancePast(long seen) {
        last.accumulateAndGet(seen, Math::max);
    }

    /**
     * Installs the function and the hooks on a connection.
     *
     * @param connection a read-write connection of sqlite-jdbc
     * @throws SQLException if the function cannot be registered
     */
    public void register(Connection connection) throws SQLException {
        SQLiteConnection sqlite = connection.unwrap(SQLiteConnection.class);
        PerConnection numbering = new PerConnection();
        Function.create(sqlite, CaptureNames.TXN_FUNCTION, numbering);
        sqlite.addCommitListener(numbering);
    }

    /** The function and the hooks of one connection; SQLite calls both on the thread that uses the connection. */
    private final class PerConnection extends Function implements SQLiteCommitListener {
        private long current;

        @Override
        protected void xFunc() throws SQLException {
            if (current == 0) {
                current = last.incrementAndGet();
            }
            result(current);
        }

        @Override
        public void onCommit() {
            current = 0;
        }

        @Override
        public void onRollback() {
            current = 0;
        }
    }
}
