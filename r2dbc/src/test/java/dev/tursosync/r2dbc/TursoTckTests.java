package dev.tursosync.r2dbc;

import io.r2dbc.spi.ConnectionFactory;
import java.nio.file.Files;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.jdbc.core.JdbcOperations;

/** The R2DBC TCK against a local database, {@code ?} markers bound by index. */
class TursoTckTests extends SqliteTestKit<Integer> {

    private static LocalDatabase database;

    @BeforeAll
    static void open() throws Exception {
        database = new LocalDatabase(Files.createTempDirectory("tck").resolve("tck.db"));
    }

    @AfterAll
    static void close() {
        database.close();
    }

    @Override
    public ConnectionFactory getConnectionFactory() {
        return database.factory();
    }

    @Override
    public String getPlaceholder(int index) {
        return "?";
    }

    @Override
    public Integer getIdentifier(int index) {
        return index;
    }

    @Override
    public JdbcOperations getJdbcOperations() {
        return database.jdbc();
    }
}
