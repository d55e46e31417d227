package dev.tursosync.internal.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tursosync.internal.sqlite.LeafRows;
import dev.tursosync.internal.sqlite.SchemaEntry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.recursive.comparison.RecursiveComparisonConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A row written before {@code ALTER TABLE ADD COLUMN} has no value for the new column in its record; SQL reads the
 * column's default there, with the column's affinity applied, and so must the events.
 */
final class AddedColumnDefaultsTests {

    private static final String[] ADDED = {
        "ALTER TABLE t ADD COLUMN label TEXT DEFAULT 'none'",
        "ALTER TABLE t ADD COLUMN price REAL DEFAULT 3",
        "ALTER TABLE t ADD COLUMN count INTEGER DEFAULT '42'",
        "ALTER TABLE t ADD COLUMN code TEXT DEFAULT 7",
        "ALTER TABLE t ADD COLUMN delta DEFAULT -1.5",
        "ALTER TABLE t ADD COLUMN data BLOB DEFAULT x'0a0b'",
        "ALTER TABLE t ADD COLUMN flag DEFAULT TRUE",
        "ALTER TABLE t ADD COLUMN quoted NUMERIC DEFAULT '1e3'",
        "ALTER TABLE t ADD COLUMN empty TEXT DEFAULT NULL",
        "ALTER TABLE t ADD COLUMN plain",
    };

    @TempDir
    Path dir;

    @Test
    void aColumnAddedAfterARowWasWrittenReadsAsItsDefaultAsSqlReadsIt() throws Exception {
        Path file = dir.resolve("added.db");
        List<String> statements = new ArrayList<>(List.of("PRAGMA journal_mode=DELETE",
                "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT)", "INSERT INTO t VALUES (1, 'old')"));
        statements.addAll(List.of(ADDED));
        statements.add("INSERT INTO t(id, name) VALUES (2, 'new')");
        LeafRows rows = TestTables.rootLeaf(file, "t", statements.toArray(String[]::new));
        TableShape shape = new TableShapes().shape(new SchemaEntry("table", "t", "t", 2, schemaSql(file)))
                .orElseThrow();

        for (int row = 0; row < 2; row++) {
            List<Object> decoded = new ArrayList<>(RowValues.decode(shape, rows, row, row + 1L).values());
            assertThat(decoded).as("row %d as the decoder reads it", row + 1)
                    .usingRecursiveFieldByFieldElementComparator(RecursiveComparisonConfiguration.builder()
                            .withStrictTypeChecking(true).build())
                    .containsExactlyElementsOf(sqlValues(file, row + 1));
        }
        assertThat(RowValues.decode(shape, rows, 0, 1L).get("price")).isEqualTo(3.0);
        assertThat(RowValues.decode(shape, rows, 0, 1L).get("count")).isEqualTo(42L);
        assertThat(RowValues.decode(shape, rows, 0, 1L).get("code")).isEqualTo("7");
    }

    private static String schemaSql(Path file) throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement statement = connection.createStatement();
             ResultSet sql = statement.executeQuery("SELECT sql FROM sqlite_schema WHERE name = 't'")) {
            sql.next();
            return sql.getString(1);
        }
    }

    /** The row as SQL reads it, each value typed by its storage class. */
    private static List<Object> sqlValues(Path file, long id) throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT * FROM t WHERE id = " + id)) {
            row.next();
            List<Object> values = new ArrayList<>();
            for (int i = 1; i <= row.getMetaData().getColumnCount(); i++) {
                try (ResultSet type = connection.createStatement().executeQuery(
                        "SELECT typeof(" + row.getMetaData().getColumnName(i) + ") FROM t WHERE id = " + id)) {
                    type.next();
                    values.add(switch (type.getString(1)) {
                        case "integer" -> row.getLong(i);
                        case "real" -> row.getDouble(i);
                        case "text" -> row.getString(i);
                        case "blob" -> row.getBytes(i);
                        default -> null;
                    });
                }
            }
            return values;
        }
    }
}
