package dev.tursosync.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConnection;
import reactor.core.publisher.Mono;

/**
 * The automatic checkpoint looks at the WAL only after a statement that committed on a watched connection: statements
 * inside a transaction cost no {@code stat}, and the commit that ends it starts the checkpoint.
 */
class AutoCheckpointTests {

    @TempDir
    Path dir;

    @Test
    void aStatementInsideATransactionDoesNotCheckButTheCommitDoes() throws Exception {
        Path database = dir.resolve("a.db");
        Path wal = dir.resolve("size-probe");
        Files.write(wal, new byte[2048]);
        AtomicInteger checkpoints = new AtomicInteger();
        AutoCheckpoint policy = new AutoCheckpoint(wal, 1024, () -> Mono.fromRunnable(checkpoints::incrementAndGet));
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database);
                Statement statement = connection.createStatement()) {
            connection.unwrap(SQLiteConnection.class).addCommitListener(policy.watch(connection));

            policy.afterStatement(connection);
            assertThat(checkpoints).as("a new connection is looked at once").hasValue(1);

            statement.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)");
            policy.afterStatement(connection);
            assertThat(checkpoints).as("DDL in auto-commit mode commits").hasValue(2);

            statement.execute("BEGIN IMMEDIATE");
            policy.afterStatement(connection);
            statement.execute("INSERT INTO t VALUES (1)");
            policy.afterStatement(connection);
            assertThat(checkpoints).as("nothing committed inside the transaction").hasValue(2);

            statement.execute("COMMIT");
            policy.afterStatement(connection);
            assertThat(checkpoints).as("the commit").hasValue(3);

            statement.execute("BEGIN IMMEDIATE");
            statement.execute("INSERT INTO t VALUES (2)");
            statement.execute("ROLLBACK");
            policy.afterStatement(connection);
            assertThat(checkpoints).as("a rollback").hasValue(3);

            statement.execute("INSERT INTO t VALUES (3)");
            policy.afterStatement(connection);
            assertThat(checkpoints).as("an auto-commit insert").hasValue(4);
        }
    }

    @Test
    void aConnectionItDoesNotWatchIsLookedAtAfterEveryStatement() throws Exception {
        Path wal = dir.resolve("size-probe");
        Files.write(wal, new byte[2048]);
        AtomicInteger checkpoints = new AtomicInteger();
        AutoCheckpoint policy = new AutoCheckpoint(wal, 1024, () -> Mono.fromRunnable(checkpoints::incrementAndGet));
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("b.db"))) {
            policy.afterStatement(connection);
            policy.afterStatement(connection);
        }
        assertThat(checkpoints).hasValue(2);
    }
}
