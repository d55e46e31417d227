package dev.tursosync.r2dbc.internal;

import dev.tursosync.spi.Lane;
import dev.tursosync.spi.Lease;
import dev.tursosync.spi.LocalDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;
import org.sqlite.Function;
import reactor.core.publisher.Mono;

/**
 * A {@link LocalDatabase} over a real one whose connections have an SQL function {@code stepped(x)}: it counts its
 * calls and returns {@code x}, so a query that selects {@code stepped(id)} counts the rows SQLite stepped.
 */
final class SteppedRows implements LocalDatabase {

    private final LocalDatabase database;
    private final AtomicLong stepped = new AtomicLong();
    private final Set<Connection> registered = ConcurrentHashMap.newKeySet();
    private final Function counter = new Function() {
        @Override
        protected void xFunc() throws SQLException {
            stepped.incrementAndGet();
            result(value_long(0));
        }
    };

    SteppedRows(LocalDatabase database) {
        this.database = database;
    }

    /** The rows stepped so far, by every connection. */
    long stepped() {
        return stepped.get();
    }

    @Override
    public Lane lane() {
        return database.lane();
    }

    @Override
    public Mono<Lease> lease(Lane lane) {
        return database.lease(lane);
    }

    @Override
    public void lease(Lane lane, BiConsumer<? super @Nullable Lease, ? super @Nullable Throwable> done) {
        database.lease(lane, done);
    }

    @Override
    public void beforeStatement(Connection connection, String sql) throws SQLException {
        database.beforeStatement(connection, sql);
        if (registered.add(connection)) {
            Function.create(connection, "stepped", counter);
        }
    }

    @Override
    public void afterStatement(Connection connection, @Nullable String sql) throws SQLException {
        database.afterStatement(connection, sql);
    }
}
