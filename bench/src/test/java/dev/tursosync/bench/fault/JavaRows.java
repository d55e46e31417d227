package dev.tursosync.bench.fault;

import dev.tursosync.SyncClient;
import dev.tursosync.internal.client.DefaultSyncClient;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Reads the suite's tables of an open Java client, through its own connections. */
final class JavaRows {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private JavaRows() {
    }

    /**
     * The rows as {@link FaultTables#ROW_QUERIES} give them.
     *
     * @param client an open client
     * @return the rows
     */
    static List<String> of(SyncClient client) {
        return ((DefaultSyncClient) client).connections().withConnection(connection -> {
            List<String> rows = new ArrayList<>();
            try (Statement statement = connection.createStatement()) {
                for (String query : FaultTables.ROW_QUERIES) {
                    try (ResultSet result = statement.executeQuery(query)) {
                        while (result.next()) {
                            rows.add(result.getString(1));
                        }
                    }
                }
            }
            return rows;
        }).block(WAIT);
    }
}
