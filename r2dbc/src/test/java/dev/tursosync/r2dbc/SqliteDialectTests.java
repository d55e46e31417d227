package dev.tursosync.r2dbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.data.annotation.Id;
import org.springframework.data.r2dbc.core.R2dbcEntityTemplate;
import org.springframework.data.relational.core.mapping.Table;
import org.springframework.r2dbc.core.DatabaseClient;

/** Spring Data R2DBC mapping through the dialect, on a plain local database. */
final class SqliteDialectTests {

    private static final Duration WAIT = Duration.ofSeconds(30);

    /** Booleans, primitive and boxed, in SQLite's INTEGER columns. */
    @Table("task")
    record Task(@Id Long id, boolean done, Boolean flagged) {
    }

    @Test
    void booleansAreWrittenAsOneAndZeroAndReadBack(@TempDir Path dir) {
        TursoConnectionFactory factory = TursoConnectionFactory.local(dir.resolve("local.db"));
        try {
            DatabaseClient sql = DatabaseClient.create(factory);
            sql.sql("CREATE TABLE task (id INTEGER PRIMARY KEY, done INTEGER NOT NULL, flagged INTEGER)").then()
                    .block(WAIT);
            R2dbcEntityTemplate template = new R2dbcEntityTemplate(factory);

            template.insert(new Task(null, true, false)).block(WAIT);
            template.insert(new Task(null, false, null)).block(WAIT);
            sql.sql("INSERT INTO task (done, flagged) VALUES (7, 1)").then().block(WAIT);
            List<Task> read = template.select(Task.class).all().collectList().block(WAIT);
            List<String> stored = sql.sql("SELECT quote(done) || ',' || quote(flagged) AS v FROM task ORDER BY id")
                    .map(row -> row.get("v", String.class)).all().collectList().block(WAIT);

            assertThat(read).containsExactly(new Task(1L, true, false), new Task(2L, false, null),
                    new Task(3L, true, true));
            assertThat(stored).containsExactly("1,0", "0,NULL", "7,1");
        } finally {
            factory.close().block(WAIT);
        }
    }
}
