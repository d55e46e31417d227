package dev.tursosync.internal.db;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Set;
import java.util.function.Supplier;
import java.util.logging.Logger;
import javax.sql.DataSource;
import reactor.core.scheduler.Schedulers;

/**
 * A blocking JDBC {@link DataSource} over the client's own connections, for startup and tooling code (Flyway,
 * Liquibase, plain JDBC, jOOQ). Each {@link #getConnection()} leases one of the manager's connections with a shared
 * permit, exactly like an R2DBC connection: change capture is installed on it and told about every statement, so
 * rows and DDL written through it are pushed in order. {@link Connection#close()} rolls back what is still open and
 * gives the connection and the permit back. A connection held open makes pulls wait, so hold one only while working.
 *
 * <p>Never call it on a non-blocking thread (a Netty event loop or a Reactor parallel thread): it refuses with an
 * {@link SQLException}.
 */
public final class ClientDataSource implements DataSource {

    private static final Duration WAIT_FOR_LEASE = Duration.ofMinutes(10);
    private static final Set<String> EXECUTES = Set.of("execute", "executeQuery", "executeUpdate",
            "executeLargeUpdate", "executeBatch", "executeLargeBatch");

    private final Supplier<ConnectionManager> connections;
    private volatile int loginTimeoutSeconds;

    /**
     * Creates the data source.
     *
     * @param connections the manager of the open client, asked on every {@link #getConnection()}
     */
    public ClientDataSource(Supplier<ConnectionManager> connections) {
        this.connections = connections;
    }

    @Override
    public Connection getConnection() throws SQLException {
        if (Schedulers.isInNonBlockingThread()) {
            throw new SQLException("the sync client's DataSource blocks; it was called on the non-blocking thread "
                    + Thread.currentThread().getName() + ": use the R2DBC driver there");
        }
        ConnectionManager manager = connections.get();
        ConnectionLease lease = manager.lease().block(WAIT_FOR_LEASE);
        if (lease == null) {
            throw new SQLException("no connection was leased");
        }
        return (Connection) Proxy.newProxyInstance(ClientDataSource.class.getClassLoader(),
                new Class<?>[] {Connection.class}, new LeasedConnection(manager, lease));
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return getConnection();
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        // logging goes through SLF4J
    }

    @Override
    public void setLoginTimeout(int seconds) {
        this.loginTimeoutSeconds = seconds;
    }

    @Override
    public int getLoginTimeout() {
        return loginTimeoutSeconds;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("logging goes through SLF4J");
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        throw new SQLException("not a wrapper of " + type.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return type.isInstance(this);
    }

    @Override
    public String toString() {
        return "tursosync DataSource";
    }

    /** Calls a method of the wrapped JDBC object, giving back the exception it threw. */
    private static Object call(Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** The leased connection: statements it creates tell capture what ran; close gives the lease back. */
    private static final class LeasedConnection implements InvocationHandler {

        private final ConnectionManager manager;
        private final ConnectionLease lease;
        private final Connection connection;

        LeasedConnection(ConnectionManager manager, ConnectionLease lease) {
            this.manager = manager;
            this.lease = lease;
            this.connection = lease.connection();
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            switch (method.getName()) {
                case "close":
                    lease.release().block(WAIT_FOR_LEASE);
                    return null;
                case "isClosed":
                    return lease.isReleased();
                case "equals":
                    return proxy == args[0];
                case "hashCode":
                    return System.identityHashCode(proxy);
                case "toString":
                    return "tursosync leased connection";
                default:
                    break;
            }
            if (lease.isReleased()) {
                throw new SQLException("the connection is closed");
            }
            String sql = args != null && args.length > 0 && args[0] instanceof String text ? text : null;
            if (sql != null && method.getName().startsWith("prepare")) {
                manager.beforeStatement(connection, sql);
            }
            Object result = call(method, connection, args);
            if (result instanceof Statement statement) {
                return Proxy.newProxyInstance(ClientDataSource.class.getClassLoader(),
                        new Class<?>[] {statementType(method.getReturnType())},
                        new CapturedStatement(manager, connection, statement, sql));
            }
            if (method.getName().equals("commit") || method.getName().equals("setAutoCommit")) {
                manager.afterStatement(connection, null);
            }
            return result;
        }

        private static Class<?> statementType(Class<?> declared) {
            if (CallableStatement.class.isAssignableFrom(declared)) {
                return CallableStatement.class;
            }
            return PreparedStatement.class.isAssignableFrom(declared) ? PreparedStatement.class : Statement.class;
        }
    }

    /**
     * A statement that tells capture about every execution, with its text when known. sqlite-jdbc's
     * {@code Statement.executeUpdate(String)} counts the rows that triggers changed too (the capture triggers log
     * every changed row, which would double the count and break tools that check it, such as Liquibase's lock), so
     * it runs as {@code execute} and reports SQLite's own count of the statement's rows instead.
     */
    private static final class CapturedStatement implements InvocationHandler {

        private final ConnectionManager manager;
        private final Connection connection;
        private final Statement statement;
        private final String preparedSql;

        CapturedStatement(ConnectionManager manager, Connection connection, Statement statement, String preparedSql) {
            this.manager = manager;
            this.connection = connection;
            this.statement = statement;
            this.preparedSql = preparedSql;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            if (method.getName().equals("equals")) {
                return proxy == args[0];
            }
            if (method.getName().equals("hashCode")) {
                return System.identityHashCode(proxy);
            }
            if (!EXECUTES.contains(method.getName())) {
                return call(method, statement, args);
            }
            String sql = args != null && args.length > 0 && args[0] instanceof String text ? text : preparedSql;
            manager.beforeStatement(connection, sql);
            Object result = isDirectUpdate(method) ? directUpdate(method, args) : call(method, statement, args);
            manager.afterStatement(connection, sql);
            return result;
        }

        private boolean isDirectUpdate(Method method) {
            return !(statement instanceof PreparedStatement) && (method.getName().equals("executeUpdate")
                    || method.getName().equals("executeLargeUpdate"));
        }

        private Object directUpdate(Method method, Object[] args) throws Throwable {
            call(Statement.class.getMethod("execute", method.getParameterTypes()), statement, args);
            long count = Math.max(0, statement.getUpdateCount());
            return method.getReturnType() == long.class ? (Object) count : (Object) (int) count;
        }
    }
}
