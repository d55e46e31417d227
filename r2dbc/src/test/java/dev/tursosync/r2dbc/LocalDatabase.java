package dev.tursosync.r2dbc;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.sqlite.SQLiteConfig;

/**
 * A local database with an R2DBC factory and a JDBC template on the same file for fixtures. The JDBC connection is
 * opened once and never closed before the factory: closing any SQLite handle while others are open drops the
 * process's POSIX locks on the file (sqlite-lab, lock loss).
 */
final class LocalDatabase implements AutoCloseable {

    private final TursoConnectionFactory factory;
    private final SingleConnectionDataSource dataSource;
    private final JdbcTemplate jdbc;

    LocalDatabase(Path file) {
        this.factory = TursoConnectionFactory.local(file);
        try {
            SQLiteConfig config = new SQLiteConfig();
            config.setBusyTimeout(10_000);
            Connection connection = config.createConnection("jdbc:sqlite:" + file);
            try (var statement = connection.createStatement()) {
                statement.execute("PRAGMA journal_mode = WAL");
            }
            this.dataSource = new SingleConnectionDataSource(connection, true);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        this.jdbc = new JdbcTemplate(dataSource);
    }

    TursoConnectionFactory factory() {
        return factory;
    }

    JdbcTemplate jdbc() {
        return jdbc;
    }

    @Override
    public void close() {
        factory.close().block(Duration.ofSeconds(30));
        dataSource.destroy();
    }
}
