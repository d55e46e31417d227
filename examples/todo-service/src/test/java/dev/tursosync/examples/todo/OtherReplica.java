package dev.tursosync.examples.todo;

import dev.tursosync.SyncClient;
import dev.tursosync.r2dbc.TursoConnectionFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.r2dbc.core.DatabaseClient;

/** A second replica of the service's remote, standing for another application that shares the database. */
final class OtherReplica implements AutoCloseable {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private final SyncClient client;
    private final DatabaseClient database;

    private OtherReplica(SyncClient client) {
        this.client = client;
        this.database = DatabaseClient.create(TursoConnectionFactory.of(client));
    }

    static OtherReplica open(String url, Path file) {
        SyncClient client = SyncClient.builder().path(file).url(url).clientName("other-replica").build();
        client.open().block(WAIT);
        return new OtherReplica(client);
    }

    /** Syncs, then reads every to-do; fails while the remote has no {@code todo} table yet. */
    List<Todo> todosAfterSync() {
        client.sync().block(WAIT);
        return database.sql("SELECT id, title, done FROM todo ORDER BY id")
                .map(row -> new Todo(row.get("id", Long.class), row.get("title", String.class),
                        row.get("done", Boolean.class)))
                .all().collectList().block(WAIT);
    }

    /**
     * Adds a to-do on this replica and syncs it to the remote.
     *
     * @return the new to-do
     */
    Todo addAndSync(String title) {
        Long id = database.sql("INSERT INTO todo (title) VALUES (:title) RETURNING id").bind("title", title)
                .map(row -> row.get("id", Long.class)).one().block(WAIT);
        client.sync().block(WAIT);
        return new Todo(id, title, false);
    }

    @Override
    public void close() {
        client.close().block(WAIT);
    }
}
