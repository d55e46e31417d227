package dev.tursosync.r2dbc.internal;

import dev.tursosync.spi.LocalDatabase;
import io.r2dbc.spi.Batch;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionMetadata;
import io.r2dbc.spi.IsolationLevel;
import io.r2dbc.spi.Statement;
import io.r2dbc.spi.TransactionDefinition;
import io.r2dbc.spi.ValidationDepth;
import java.time.Duration;
import java.util.function.Function;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * An R2DBC connection over the client's {@link LocalDatabase}. It leases a JDBC connection (and a shared permit, so
 * pulls wait) only while a statement, a result or a transaction is open. SQLite runs every transaction
 * {@link IsolationLevel#SERIALIZABLE}: writers are serialized and readers see a snapshot, so any requested level is
 * accepted and met or exceeded, and {@link #getTransactionIsolationLevel()} reports SERIALIZABLE.
 */
public final class TursoConnection implements Connection {

    private final Session session;

    /**
     * Creates a connection; nothing is leased yet.
     *
     * @param databases        the database to lease from, opened first if need be
     * @param statementTimeout how long one statement step may run, {@link Duration#ZERO} for no limit
     */
    public TursoConnection(Mono<LocalDatabase> databases, Duration statementTimeout) {
        this.session = new Session(databases, statementTimeout);
    }

    @Override
    public Mono<Void> beginTransaction() {
        return command(operation -> Transactions.begin(operation, false));
    }

    @Override
    public Mono<Void> beginTransaction(TransactionDefinition definition) {
        if (definition == null) {
            throw new IllegalArgumentException("definition must not be null");
        }
        boolean readOnly = Boolean.TRUE.equals(definition.getAttribute(TransactionDefinition.READ_ONLY));
        return command(operation -> Transactions.begin(operation, readOnly));
    }

    @Override
    public Mono<Void> commitTransaction() {
        return command(operation -> Transactions.end(operation, true));
    }

    @Override
    public Mono<Void> rollbackTransaction() {
        return command(operation -> Transactions.end(operation, false));
    }

    @Override
    public Mono<Void> createSavepoint(String name) {
        return savepoint("SAVEPOINT", name);
    }

    @Override
    public Mono<Void> releaseSavepoint(String name) {
        return savepoint("RELEASE SAVEPOINT", name);
    }

    @Override
    public Mono<Void> rollbackTransactionToSavepoint(String name) {
        return savepoint("ROLLBACK TO SAVEPOINT", name);
    }

    private Mono<Void> savepoint(String command, String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("savepoint name must not be empty");
        }
        return command(operation -> Transactions.savepoint(operation, command, name));
    }

    @Override
    public Mono<Void> setAutoCommit(boolean autoCommit) {
        return Mono.defer(() -> {
            if (autoCommit == session.autoCommit() && (!autoCommit || !session.inTransaction())) {
                return Mono.empty();
            }
            return command(operation -> {
                session.autoCommit(autoCommit);
                return autoCommit ? Transactions.end(operation, true) : Mono.empty();
            });
        });
    }

    @Override
    public boolean isAutoCommit() {
        return session.autoCommit() && !session.inTransaction();
    }

    @Override
    public IsolationLevel getTransactionIsolationLevel() {
        return IsolationLevel.SERIALIZABLE;
    }

    /** Accepts any level: SQLite gives every transaction serializable isolation, which satisfies them all. */
    @Override
    public Mono<Void> setTransactionIsolationLevel(IsolationLevel isolationLevel) {
        if (isolationLevel == null) {
            throw new IllegalArgumentException("isolationLevel must not be null");
        }
        return Mono.empty();
    }

    /** Sets no lock wait: SQLite waits for locks up to the connection's busy timeout (10 s). */
    @Override
    public Mono<Void> setLockWaitTimeout(Duration timeout) {
        if (timeout == null) {
            throw new IllegalArgumentException("timeout must not be null");
        }
        return Mono.empty();
    }

    @Override
    public Mono<Void> setStatementTimeout(Duration timeout) {
        if (timeout == null || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be zero or positive");
        }
        return Mono.fromRunnable(() -> session.statementTimeout(timeout));
    }

    @Override
    public Batch createBatch() {
        return new TursoBatch(session);
    }

    @Override
    public Statement createStatement(String sql) {
        if (sql == null) {
            throw new IllegalArgumentException("sql must not be null");
        }
        return new TursoStatement(session, sql);
    }

    @Override
    public ConnectionMetadata getMetadata() {
        return TursoConnectionMetadata.INSTANCE;
    }

    @Override
    public Mono<Boolean> validate(ValidationDepth depth) {
        if (depth == ValidationDepth.LOCAL || session.isClosed()) {
            return Mono.fromSupplier(() -> !session.isClosed());
        }
        return session.operate(operation -> Executions.command(operation, "SELECT 1").thenReturn(true))
                .next()
                .onErrorReturn(false);
    }

    @Override
    public Mono<Void> close() {
        return session.close();
    }

    private Mono<Void> command(Function<Operation, Publisher<Void>> body) {
        return Flux.defer(() -> session.operate(body)).then();
    }
}
