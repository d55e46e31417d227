package dev.tursosync.examples.todo;

import dev.tursosync.ChangeEvent;
import dev.tursosync.ChangeOperation;
import dev.tursosync.SyncClient;
import java.util.Locale;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;

/**
 * {@code GET /todos/events}: the changes pulls bring to the {@code todo} table, as Server-Sent Events, for pages that
 * update live when another replica changes the to-dos.
 */
@RestController
public class TodoEvents {

    private final SyncClient client;

    /**
     * Streams the changes of the given client.
     *
     * @param client the replica (the starter's bean)
     */
    public TodoEvents(SyncClient client) {
        this.client = client;
    }

    // tag::sse-endpoint[]
    /**
     * First {@code connected}, then one event per change a pull brings to {@code todo}: {@code insert},
     * {@code update} or {@code delete} with the row's id, or {@code reset} without one (the table changed too much
     * to tell rows apart: reload it).
     *
     * @return the events, until the client disconnects
     */
    @GetMapping(path = "/todos/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    public Flux<ServerSentEvent<String>> events() {
        Flux<ServerSentEvent<String>> changes = client.changes()
                .filter(change -> change.table().equals("todo"))
                .onBackpressureBuffer(1024)      // a slow browser must not hold the pull back
                .map(TodoEvents::toEvent);
        // changes() is hot: it is subscribed right after "connected" is sent, so what follows is complete
        return changes.startWith(ServerSentEvent.builder("").event("connected").build());
    }

    private static ServerSentEvent<String> toEvent(ChangeEvent change) {
        String name = change.operation().name().toLowerCase(Locale.ROOT);
        // RESET has no rowid: the data says "reload everything", not which row changed
        String data = change.operation() == ChangeOperation.RESET ? "" : String.valueOf(change.rowid());
        return ServerSentEvent.builder(data).event(name).build();
    }
    // end::sse-endpoint[]
}
