package dev.tursosync.internal.capture;

import dev.tursosync.internal.db.ConnectionManager;
import dev.tursosync.internal.sql.AlterTable;
import dev.tursosync.internal.sql.RowStatements;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Captures every local change made through the client's connections into the change log, in the same transaction
 * as the change.
 *
 * <p>Row changes are logged by triggers on each user table. Schema changes are noticed after each statement (the
 * schema version moved): the difference with the last captured schema is logged as DDL, the affected tables get
 * fresh triggers, and the snapshot is updated, all inside the transaction that changed the schema (or a transaction
 * of its own right after an auto-commit DDL statement; a crash in between is caught up when the next connection
 * opens). Every read-write connection gets the transaction-numbering function and installs capture if a pull
 * replaced the database with the remote's, which has none.
 */
public final class ChangeCapture implements ConnectionManager.ConnectionInitializer,
        ConnectionManager.StatementObserver {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeCapture.class);
    private static final String CREATE_SNAPSHOT = "CREATE TABLE IF NOT EXISTS " + CaptureNames.SCHEMA
            + " (name TEXT PRIMARY KEY, seq INTEGER NOT NULL, type TEXT NOT NULL, tbl TEXT NOT NULL,"
            + " rootpage INTEGER NOT NULL, sql TEXT NOT NULL)";

    private final TransactionIds transactions = new TransactionIds();
    private final InstallScripts installScripts = new InstallScripts();
    /** Read before and after every statement, from every lease thread at once: no monitor on that path. */
    private final Map<Connection, PerConnection> connections = new ConcurrentHashMap<>();

    /** Per-connection state: the schema version last seen and a prepared query for it. */
    private static final class PerConnection {
        final PreparedStatement schemaVersion;
        long seen;
        boolean legacyAlter;

        PerConnection(PreparedStatement schemaVersion) {
            this.schemaVersion = schemaVersion;
        }

        long read() throws SQLException {
            try (ResultSet row = schemaVersion.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    /**
     * Prepares a read-write connection: the transaction-numbering function, and capture installed or brought up to
     * date. A connection this capture already prepared in a transaction that committed (a pull's replay, whose
     * connection then goes to the pool) is left as it is: capture is installed and has seen its schema as long as
     * the schema version is the one it saw then.
     */
    @Override
    public void initialize(Connection connection) throws SQLException {
        PerConnection known = connections.get(connection);
        if (known != null) {
            if (connection.getAutoCommit() && known.read() == known.seen) {
                return;
            }
            known.schemaVersion.close();
        }
        transactions.register(connection);
        if (isUpToDate(connection)) {
            transactions.advancePast(ChangeLog.lastTransaction(connection));
        } else {
            withoutForce(connection, () -> inTransaction(connection, () -> {
                if (ChangeLog.exists(connection)) {
                    transactions.advancePast(ChangeLog.lastTransaction(connection));
                    reconcile(connection, null);
                } else {
                    install(connection);
                }
            }));
        }
        forgetClosedConnections();
        PerConnection state = new PerConnection(connection.prepareStatement("PRAGMA schema_version"));
        state.seen = state.read();
        connections.put(connection, state);
    }

    /**
     * Drops the state of connections the manager has closed. The state holds a statement of its connection, so a
     * weak map alone would never let go of it.
     */
    private void forgetClosedConnections() {
        connections.keySet().removeIf(ChangeCapture::isClosed);
    }

    private static boolean isClosed(Connection connection) {
        try {
            return connection.isClosed();
        } catch (SQLException e) {
            return true;
        }
    }

    /**
     * Lets a {@code DROP COLUMN} through the capture triggers: they name every column, and SQLite refuses to drop a
     * column a trigger names. For that statement alone the connection runs with {@code legacy_alter_table} on,
     * which skips the check; the triggers are re-created without the column right after it ran
     * ({@link #afterStatement}).
     */
    @Override
    public void beforeStatement(Connection connection, String sql) throws SQLException {
        PerConnection state = connections.get(connection);
        if (state == null) {
            return;
        }
        boolean dropColumn = sql != null && sql.stripLeading().regionMatches(true, 0, "ALTER", 0, 5)
                && AlterTable.parse(sql).filter(alter -> alter.kind() == AlterTable.Kind.DROP_COLUMN).isPresent();
        legacyAlter(connection, state, dropColumn);
    }

    private static void legacyAlter(Connection connection, PerConnection state, boolean on) throws SQLException {
        if (on != state.legacyAlter) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("PRAGMA legacy_alter_table = " + (on ? "ON" : "OFF"));
            }
            state.legacyAlter = on;
        }
    }

    @Override
    public void afterStatement(Connection connection, String sql) throws SQLException {
        if (RowStatements.isRowStatement(sql)) {
            return;
        }
        PerConnection state = connections.get(connection);
        if (state == null) {
            return;
        }
        legacyAlter(connection, state, false);
        long version = state.read();
        if (version == state.seen) {
            return;
        }
        inTransaction(connection, () -> reconcile(connection, sql));
        state.seen = state.read();
    }

    /**
     * Whether capture is installed and has seen the live schema: checked without a write transaction, so opening a
     * connection does not wait for (or block) a writer when there is nothing to do.
     */
    private static boolean isUpToDate(Connection connection) throws SQLException {
        return ChangeLog.exists(connection)
                && SchemaObject.readSnapshot(connection).equals(SchemaObject.readLive(connection));
    }

    /**
     * Creates the log, the snapshot and the triggers of every table: the schema came from the remote. The script is
     * planned once per schema ({@link InstallScripts}): after each pull over nothing pending the same one runs again.
     */
    private void install(Connection connection) throws SQLException {
        int tables = installScripts.install(connection, ChangeLog.CREATE_LOG, CREATE_SNAPSHOT);
        LOG.debug("change capture installed for {} table(s)", tables);
    }

    private void reconcile(Connection connection, String sql) throws SQLException {
        Map<String, SchemaObject> before = SchemaObject.readSnapshot(connection);
        Map<String, SchemaObject> live = SchemaObject.readLive(connection);
        if (before.equals(live)) {
            return;
        }
        SchemaDiff.Result diff = SchemaDiff.diff(before, live, sql);
        try (PreparedStatement log = connection.prepareStatement("INSERT INTO " + CaptureNames.LOG
                + "(txn, time, tbl, op, sql) VALUES (" + CaptureNames.TXN_FUNCTION + "(), unixepoch(), ?, "
                + CaptureTriggers.SCHEMA + ", ?)")) {
            for (SchemaDiff.Ddl ddl : diff.statements()) {
                log.setString(1, ddl.object());
                log.setString(2, ddl.sql());
                log.executeUpdate();
            }
        }
        for (String table : diff.retriggerTables()) {
            retrigger(connection, table);
        }
        for (String table : createdTables(diff, before, live)) {
            logRowsWrittenUnseen(connection, table);
        }
        saveSnapshot(connection, SchemaObject.readLive(connection));
    }

    /** The tables this difference creates (not those it renames). */
    private static List<String> createdTables(SchemaDiff.Result diff, Map<String, SchemaObject> before,
                                              Map<String, SchemaObject> live) {
        return diff.statements().stream()
                .filter(ddl -> !before.containsKey(ddl.object()) && live.containsKey(ddl.object())
                        && live.get(ddl.object()).isTable() && ddl.sql().stripLeading().regionMatches(true, 0,
                        "CREATE", 0, 6))
                .map(SchemaDiff.Ddl::object)
                .distinct()
                .toList();
    }

    /**
     * A table capture sees only now had no triggers until now, so none of its rows was logged: a table created on a
     * connection the client does not own (and filled there), or by {@code CREATE TABLE ... AS SELECT}. Its rows are
     * logged as inserts right after its creation, so they are pushed, and before any later change to them.
     */
    private static void logRowsWrittenUnseen(Connection connection, String table) throws SQLException {
        var shape = CapturedTable.read(connection, table);
        if (shape.isPresent()) {
            int rows = CaptureTriggers.logExistingRows(connection, shape.get());
            if (rows > 0) {
                LOG.info("table {} already held {} row(s) when change capture first saw it (created outside the "
                        + "client's connections or by CREATE TABLE ... AS SELECT): they are logged for the push",
                        table, rows);
            }
        }
    }

    private static void retrigger(Connection connection, String table) throws SQLException {
        var shape = CapturedTable.read(connection, table);
        if (shape.isPresent()) {
            CaptureTriggers.install(connection, shape.get());
        }
    }

    private static void saveSnapshot(Connection connection, Map<String, SchemaObject> live) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("DELETE FROM " + CaptureNames.SCHEMA);
        }
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + CaptureNames.SCHEMA
                + "(name, seq, type, tbl, rootpage, sql) VALUES (?, ?, ?, ?, ?, ?)")) {
            int seq = 0;
            for (SchemaObject object : live.values()) {
                insert.setString(1, object.name());
                insert.setInt(2, seq++);
                insert.setString(3, object.type());
                insert.setString(4, object.table());
                insert.setLong(5, object.rootPage());
                insert.setString(6, object.sql());
                insert.executeUpdate();
            }
        }
    }

    /** Work that must commit atomically: inside the caller's open transaction, or in a new immediate one. */
    @FunctionalInterface
    private interface Work {
        void run() throws SQLException;
    }

    private static void inTransaction(Connection connection, Work work) throws SQLException {
        boolean own = beginImmediate(connection);
        try {
            work.run();
            if (own) {
                execute(connection, "COMMIT");
            }
        } catch (SQLException | RuntimeException e) {
            if (own) {
                try {
                    execute(connection, "ROLLBACK");
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
            }
            throw e;
        }
    }

    /**
     * Runs the work that brings capture up to date as a connection opens (after every pull, since the synced state
     * has no capture) with {@code synchronous = NORMAL}: its commit does not force the WAL. What it writes is derived
     * from the schema alone, and SQLite's WAL stays consistent without the force: a crash may lose that transaction
     * (and only with the transactions after it that were not forced either), and the next connection to open
     * installs capture again from the same schema. A later commit at {@code FULL} (every other write) forces it with
     * its own frames. The connection's setting is restored afterwards. Inside a caller's transaction (the replay),
     * the caller's commit decides and nothing changes here.
     */
    private static void withoutForce(Connection connection, Work work) throws SQLException {
        if (!connection.getAutoCommit()) {
            work.run();
            return;
        }
        int synchronous;
        try (Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("PRAGMA synchronous")) {
            row.next();
            synchronous = row.getInt(1);
        }
        execute(connection, "PRAGMA synchronous = NORMAL");
        try {
            work.run();
        } finally {
            execute(connection, "PRAGMA synchronous = " + synchronous);
        }
    }

    /** Starts a transaction unless one is open (whatever JDBC's auto-commit flag says). */
    private static boolean beginImmediate(Connection connection) throws SQLException {
        if (!connection.getAutoCommit()) {
            return false;
        }
        try {
            execute(connection, "BEGIN IMMEDIATE");
            return true;
        } catch (SQLException e) {
            if (e.getMessage() != null && e.getMessage().contains("within a transaction")) {
                return false;
            }
            throw e;
        }
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
