package dev.tursosync.spi;

import java.sql.Connection;
import org.jspecify.annotations.Nullable;

/**
 * Blocking JDBC work on one of the client's connections, run on a database thread by {@link Lease#run(SqlWork)}.
 *
 * @param <T> the result type
 */
@FunctionalInterface
public interface SqlWork<T extends @Nullable Object> {

    /**
     * Runs on a database thread.
     *
     * @param connection the connection; leave it in auto-commit mode unless the lease keeps a transaction open
     * @return the result
     * @throws Exception any failure, delivered to the caller
     */
    T run(Connection connection) throws Exception;
}
