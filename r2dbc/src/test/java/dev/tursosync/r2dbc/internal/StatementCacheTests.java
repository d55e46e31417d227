package dev.tursosync.r2dbc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A kept statement stays in its connection's cache while in use, marked taken: it is handed out to one user at a
 * time, one that failed (closed by its user) is never handed out again, and one evicted while in use is not closed
 * under its user.
 */
class StatementCacheTests {

    private static final String SELECT = "SELECT ?";

    @TempDir
    Path dir;

    @Test
    void aKeptStatementIsHandedOutOnceUntilItComesBack() throws SQLException {
        try (Connection connection = open()) {
            PreparedStatement prepared = connection.prepareStatement(SELECT);
            StatementCache.keep(connection, SELECT, prepared, null);

            StatementCache.Kept first = StatementCache.take(connection, SELECT, 1);
            assertThat(first).isNotNull();
            assertThat(first.statement()).isSameAs(prepared);
            assertThat(StatementCache.take(connection, SELECT, 1)).as("in use: not handed out again").isNull();

            StatementCache.keep(connection, SELECT, prepared, null);
            StatementCache.Kept again = StatementCache.take(connection, SELECT, 1);
            assertThat(again).isNotNull();
            assertThat(again.statement()).isSameAs(prepared);
            assertThat(read(again.statement(), 7)).isEqualTo(7);
        }
    }

    @Test
    void aStatementThatFailedInUseIsNeverHandedOutAgainAndAFreshOneTakesItsPlace() throws SQLException {
        try (Connection connection = open()) {
            PreparedStatement failing = keptAndTaken(connection);
            // its user closes it instead of giving it back, as Cursor does after a failure
            StatementCache.close(failing);

            assertThat(StatementCache.take(connection, SELECT, 1)).as("the failed statement").isNull();
            PreparedStatement fresh = connection.prepareStatement(SELECT);
            StatementCache.keep(connection, SELECT, fresh, null);
            StatementCache.Kept kept = StatementCache.take(connection, SELECT, 1);
            assertThat(kept.statement()).isSameAs(fresh);
            assertThat(read(kept.statement(), 3)).isEqualTo(3);
        }
    }

    @Test
    void aSecondStatementOfTheSameTextKeptWhileTheFirstIsInUseLeavesOneKeptAndClosesNoneInUse()
            throws SQLException {
        try (Connection connection = open()) {
            PreparedStatement first = keptAndTaken(connection);

            PreparedStatement second = connection.prepareStatement(SELECT);
            StatementCache.keep(connection, SELECT, second, null);
            assertThat(first.isClosed()).as("in use when the second came back").isFalse();
            assertThat(read(first, 1)).isEqualTo(1);

            StatementCache.keep(connection, SELECT, first, null);
            assertThat(second.isClosed()).as("replaced while nobody used it").isTrue();
            StatementCache.Kept kept = StatementCache.take(connection, SELECT, 1);
            assertThat(kept.statement()).isSameAs(first);
            assertThat(StatementCache.take(connection, SELECT, 1)).isNull();
        }
    }

    @Test
    void aStatementEvictedWhileInUseIsNotClosedUnderItsUserAndIsKeptAgainWhenItComesBack() throws SQLException {
        try (Connection connection = open()) {
            PreparedStatement inUse = keptAndTaken(connection);
            PreparedStatement firstOther = null;
            for (int i = 0; i < 64; i++) {
                String sql = "SELECT " + i + ", ?";
                PreparedStatement other = connection.prepareStatement(sql);
                firstOther = firstOther == null ? other : firstOther;
                StatementCache.keep(connection, sql, other, null);
            }
            assertThat(inUse.isClosed()).as("evicted while in use").isFalse();
            assertThat(read(inUse, 5)).isEqualTo(5);

            StatementCache.keep(connection, SELECT, inUse, null);
            assertThat(firstOther.isClosed()).as("the least recently used one, evicted now").isTrue();
            assertThat(StatementCache.take(connection, SELECT, 1).statement()).isSameAs(inUse);
        }
    }

    /** A statement of {@link #SELECT} kept, then taken again for use. */
    private static PreparedStatement keptAndTaken(Connection connection) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(SELECT);
        StatementCache.keep(connection, SELECT, statement, null);
        assertThat(StatementCache.take(connection, SELECT, 1).statement()).isSameAs(statement);
        return statement;
    }

    private Connection open() throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("cache.db"));
    }

    private static long read(PreparedStatement statement, long value) throws SQLException {
        statement.setLong(1, value);
        try (ResultSet rows = statement.executeQuery()) {
            assertThat(rows.next()).isTrue();
            return rows.getLong(1);
        }
    }
}
