package dev.tursosync.examples.snippets;

import dev.tursosync.SyncClient;
import dev.tursosync.spi.Lane;
import dev.tursosync.spi.Lease;
import dev.tursosync.spi.LocalDatabase;
import java.sql.PreparedStatement;
import reactor.core.publisher.Mono;

/** The code of {@code docs/r2dbc.md}, section "The client's connections for other drivers". */
final class SpiSnippets {

    private SpiSnippets() {
    }

    static Mono<Long> execute(SyncClient client, String sql) {
        // tag::spi-lease[]
        LocalDatabase database = client.localDatabase();  // the open client's connections
        Lane lane = database.lane();                       // one per connection of your driver
        return Mono.usingWhen(database.lease(lane),        // a connection and a shared permit: pulls wait
                lease -> lease.run(connection -> {         // on the client's database threads, in lane order
                    database.beforeStatement(connection, sql);
                    try (PreparedStatement statement = connection.prepareStatement(sql)) {
                        long rows = statement.executeLargeUpdate();
                        database.afterStatement(connection, sql); // capture logs DDL in the same transaction
                        return rows;
                    }
                }),
                Lease::release);                           // rolls back what is open, gives it all back
        // end::spi-lease[]
    }
}
