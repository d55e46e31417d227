package dev.tursosync.examples.snippets;

import dev.tursosync.ChangeEvent;
import dev.tursosync.SyncClient;
import dev.tursosync.SyncResult;
import java.util.List;
import java.util.Map;
import reactor.core.Disposable;

/** The code of {@code docs/change-events.md}. */
final class ChangeEventSnippets {

    private ChangeEventSnippets() {
    }

    static Disposable followPeople(SyncClient client, Map<Long, Map<String, Object>> people) {
        // tag::change-events-follow[]
        Disposable following = client.changes()          // hot: subscribe before open() to see the bootstrap
                .filter(event -> event.table().equals("person"))
                .onBackpressureBuffer()                  // keep every event while this subscriber is busy
                .subscribe(event -> {
                    switch (event.operation()) {
                        case INSERT, UPDATE -> people.put(event.rowid(), event.newValues());
                        case DELETE -> people.remove(event.rowid());
                        case RESET -> reloadPeople(people);   // changed wholesale: read the table again
                    }
                });
        // end::change-events-follow[]
        return following;
    }

    static void perPull(SyncClient client) {
        // tag::change-events-per-pull[]
        List<ChangeEvent> pulled = client.pullChanges().collectList().block();   // this pull's events
        SyncResult synced = client.sync().block();
        List<ChangeEvent> pulledBySync = synced.pulled();                        // the sync's pull's events
        // end::change-events-per-pull[]
    }

    /** Stands for reading the whole table again. */
    private static void reloadPeople(Map<Long, Map<String, Object>> people) {
        people.clear();
    }
}
