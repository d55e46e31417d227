package dev.tursosync.r2dbc.internal;

import io.r2dbc.spi.Result;
import java.sql.Statement;
import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Runs statements in one turn of a connection: each statement executes once the result of the one before it has
 * been consumed, so one JDBC connection never has two cursors open.
 */
final class Executions {

    /**
     * A statement ready to run.
     *
     * @param sql    one statement
     * @param values encoded values by the statement's own parameter number - 1; {@link io.r2dbc.spi.Blob} and
     *               {@link io.r2dbc.spi.Clob} values are read before it runs
     * @param kind   what the statement is ({@link StatementKind#of})
     */
    record Work(String sql, Object[] values, StatementKind kind) {
    }

    private Executions() {
    }

    /**
     * Executes statements in order, one result each.
     *
     * @param session   the connection
     * @param work      the statements
     * @param fetchSize rows per step, {@code 0} for the default
     * @return the results
     */
    static Flux<Result> execute(Session session, List<Work> work, int fetchSize) {
        return new StatementRun(session, work, fetchSize);
    }

    /**
     * Executes one statement, one result.
     *
     * @param session   the connection
     * @param work      the statement
     * @param fetchSize rows per step, {@code 0} for the default
     * @return the result
     */
    static Flux<Result> execute(Session session, Work work, int fetchSize) {
        return new StatementRun(session, work, fetchSize);
    }

    /**
     * Reads {@link io.r2dbc.spi.Blob} and {@link io.r2dbc.spi.Clob} values into SQLite values.
     *
     * @param values encoded values, some of them streams
     * @return the values, every stream read
     */
    static Mono<Object[]> resolve(Object[] values) {
        if (java.util.Arrays.stream(values).noneMatch(value -> value instanceof io.r2dbc.spi.Blob
                || value instanceof io.r2dbc.spi.Clob)) {
            return Mono.just(values);
        }
        return Flux.fromArray(values)
                .concatMap(Encoding::resolve)
                .collectList()
                .map(List::toArray);
    }

    /**
     * Runs statements that return nothing, such as transaction control, in the current turn.
     *
     * @param operation the turn
     * @param sql       the statements
     * @return completes when all ran
     */
    static Mono<Void> command(Operation operation, String... sql) {
        return Flux.fromArray(sql)
                .concatMap(each -> operation.run(connection -> {
                    operation.session().ran(StatementKind.of(each));
                    operation.manager().beforeStatement(connection, each);
                    try (Statement statement = connection.createStatement()) {
                        statement.execute(each);
                    }
                    operation.manager().afterStatement(connection, each);
                    return true;
                }, each))
                .then();
    }
}
