package dev.tursosync.bench.fault;

import dev.tursosync.SyncClient;
import dev.tursosync.internal.client.DefaultSyncClient;
import dev.tursosync.internal.db.ConnectionManager;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.BooleanSupplier;
import reactor.core.Exceptions;

/**
 * A writer on a Java client: transactions of one to three writes in {@code BEGIN IMMEDIATE}, through the client's
 * connections (as its statement layer does, telling capture about each statement).
 */
final class JavaWriter extends LocalWriter {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private final ConnectionManager connections;

    JavaWriter(WriterModel model, SyncClient client, Random random, FaultTally tally, BooleanSupplier running) {
        super(model, random, tally, running, 3);
        this.connections = ((DefaultSyncClient) client).connections();
    }

    @Override
    void commit(List<Write> writes, Random random) {
        try {
            connections.withConnection(connection -> {
                transaction(connection, writes, random);
                return true;
            }).block(WAIT);
        } catch (RuntimeException e) {
            Throwable cause = Exceptions.unwrap(e);
            throw cause instanceof RuntimeException runtime ? runtime : new IllegalStateException(cause);
        }
    }

    private void transaction(Connection connection, List<Write> writes, Random random) throws SQLException {
        execute(connection, "BEGIN IMMEDIATE");
        try {
            Set<Long> present = new HashSet<>(model().values().keySet());
            for (Write write : writes) {
                write(connection, write, present, random);
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

    private void write(Connection connection, Write write, Set<Long> present, Random random) throws SQLException {
        SqlWrite sql = SqlWrite.of(write, model().name(), present.contains(write.key()), random);
        try (PreparedStatement statement = connection.prepareStatement(sql.sql())) {
            for (int i = 0; i < sql.args().length; i++) {
                statement.setObject(i + 1, sql.args()[i]);
            }
            int changed;
            try {
                changed = statement.executeUpdate();
            } catch (SQLException e) {
                if (String.valueOf(e.getMessage()).contains("UNIQUE constraint failed")) {
                    throw new WriterViolation(write + " (" + sql.sql() + ") found the row already there: " + e);
                }
                throw e;
            }
            if (changed != 1) {
                throw new WriterViolation(write + " (" + sql.sql() + ") changed " + changed + " rows, expected 1");
            }
        }
        connections.afterStatement(connection, sql.sql());
        switch (write.kind()) {
            case SET -> present.add(write.key());
            case DELETE -> present.remove(write.key());
            default -> {
            }
        }
    }

    private void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
        connections.afterStatement(connection, sql);
    }
}
