package dev.tursosync.r2dbc.internal;

import reactor.core.publisher.Mono;

/**
 * SQLite transaction control. Read-write transactions start with {@code BEGIN IMMEDIATE}, which takes the write
 * lock up front (waiting up to the busy timeout), so a transaction never fails later with {@code SQLITE_BUSY}
 * when its first write would upgrade a read lock. Read-only ones start {@code BEGIN DEFERRED} with
 * {@code PRAGMA query_only} on.
 */
final class Transactions {

    private Transactions() {
    }

    /** Starts a transaction unless one is open. */
    static Mono<Void> begin(Operation operation, boolean readOnly) {
        Session session = operation.session();
        if (session.inTransaction()) {
            return Mono.empty();
        }
        Mono<Void> begin = readOnly
                ? Executions.command(operation, "BEGIN DEFERRED", "PRAGMA query_only = 1")
                : Executions.command(operation, "BEGIN IMMEDIATE");
        return begin.doOnSuccess(ignored -> session.transaction(true, readOnly));
    }

    /** In manual-commit mode, opens the transaction the next statement runs in. */
    static Mono<Void> beginIfManual(Operation operation) {
        return operation.session().autoCommit() ? Mono.empty() : begin(operation, false);
    }

    /** Commits or rolls back the open transaction, if any. */
    static Mono<Void> end(Operation operation, boolean commit) {
        Session session = operation.session();
        if (!session.inTransaction()) {
            return Mono.empty();
        }
        String end = commit ? "COMMIT" : "ROLLBACK";
        Mono<Void> command = session.readOnly()
                ? Executions.command(operation, end, "PRAGMA query_only = 0")
                : Executions.command(operation, end);
        return command.doOnSuccess(ignored -> session.transaction(false, false));
    }

    /** Runs a savepoint command, first opening a transaction if none is open. */
    static Mono<Void> savepoint(Operation operation, String command, String name) {
        return begin(operation, false).then(Executions.command(operation, command + " " + quote(name)));
    }

    private static String quote(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("savepoint name must not be empty");
        }
        return '"' + name.replace("\"", "\"\"") + '"';
    }
}
