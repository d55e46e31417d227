package dev.tursosync.r2dbc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tursosync.spi.StandaloneDatabase;
import io.r2dbc.spi.Connection;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Values come out of a result as SQLite stored them, in the first row (read with the execution) and in the rows
 * stepped after it alike: texts as sqlite-jdbc's {@code getString} reads them, whatever the database's text encoding,
 * integers as {@code Long}, reals as {@code Double}, blobs as their bytes, NULL as {@code null}.
 */
class StoredValuesTests {

    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Texts of every kind: empty, multi-byte, 4-byte, an embedded NUL, invalid UTF-8, long. */
    private static final List<String> TEXTS = List.of("''", "'plain'", "'é日本語😀'", "CAST(x'410042' AS TEXT)",
            "CAST(x'ff41c3' AS TEXT)", "replace(hex(zeroblob(5000)), '0', 'ü')", "' '");
    /** Texts that SQLite keeps as written in a UTF-16 database too (no invalid UTF-8 to convert). */
    private static final List<String> CONVERTIBLE_TEXTS = List.of("''", "'plain'", "'é日本語😀'",
            "replace(hex(zeroblob(5000)), '0', 'ü')", "' '");

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"UTF-8", "UTF-16le", "UTF-16be"})
    void aTextReadsAsSqliteJdbcReadsItInADatabaseOfAnyEncoding(String encoding) throws SQLException {
        Path file = dir.resolve("texts.db");
        List<String> texts = encoding.equals("UTF-8") ? TEXTS : CONVERTIBLE_TEXTS;
        List<String> expected = new ArrayList<>();
        try (java.sql.Connection jdbc = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement statement = jdbc.createStatement()) {
            statement.execute("PRAGMA encoding = '" + encoding + "'");
            statement.execute("CREATE TABLE texts (id INTEGER PRIMARY KEY, t TEXT)");
            for (int copy = 0; copy < 3; copy++) {
                for (String text : texts) {
                    statement.execute("INSERT INTO texts (t) VALUES (" + text + ")");
                }
            }
            try (ResultSet encodingRow = statement.executeQuery("PRAGMA encoding")) {
                assertThat(encodingRow.getString(1)).as("the file's encoding").isEqualToIgnoringCase(encoding);
            }
            try (ResultSet rows = statement.executeQuery("SELECT t FROM texts ORDER BY id")) {
                while (rows.next()) {
                    expected.add(rows.getString(1));
                }
            }
        }

        StandaloneDatabase database = StandaloneDatabase.open(file, 2);
        try {
            Connection connection = new TursoConnection(Mono.just(database), Duration.ZERO);
            List<String> read = Flux.from(connection.createStatement("SELECT t FROM texts ORDER BY id").execute())
                    .flatMap(result -> result.map(row -> row.get(0, String.class)))
                    .collectList()
                    .block(WAIT);
            List<String> natural = Flux.from(connection.createStatement("SELECT t FROM texts ORDER BY id").execute())
                    .flatMap(result -> result.map(row -> (String) row.get("t")))
                    .collectList()
                    .block(WAIT);
            Mono.from(connection.close()).block(WAIT);

            assertThat(read).as("texts by type").isEqualTo(expected);
            assertThat(natural).as("texts without a type").isEqualTo(expected);
        } finally {
            database.close().block(WAIT);
        }
    }

    @Test
    void everyStorageClassReadsAsItWasStoredInTheFirstRowAndInLaterRows() {
        StandaloneDatabase database = StandaloneDatabase.open(dir.resolve("values.db"), 2);
        try {
            Connection connection = new TursoConnection(Mono.just(database), Duration.ZERO);
            String values = "VALUES (9223372036854775807, 1.5, x'00ff', NULL, 'a'), "
                    + "(-9223372036854775808, -2.5, x'', NULL, ''), (2147483648, 1e300, zeroblob(3), NULL, 'b'), "
                    + "(0, 0.1, x'7f', NULL, 'c')";
            List<List<Object>> rows = Flux.from(connection.createStatement(values).execute())
                    .flatMap(result -> result.map(row -> Arrays.asList(row.get(0), row.get(1), row.get(2), row.get(3),
                            row.get(4))))
                    .collectList()
                    .block(WAIT);
            Mono.from(connection.close()).block(WAIT);

            assertThat(rows).containsExactly(
                    Arrays.asList(Long.MAX_VALUE, 1.5, ByteBuffer.wrap(new byte[] {0, -1}), null, "a"),
                    Arrays.asList(Long.MIN_VALUE, -2.5, ByteBuffer.wrap(new byte[0]), null, ""),
                    Arrays.asList(2147483648L, 1e300, ByteBuffer.wrap(new byte[3]), null, "b"),
                    Arrays.asList(0L, 0.1, ByteBuffer.wrap(new byte[] {127}), null, "c"));
        } finally {
            database.close().block(WAIT);
        }
    }
}
