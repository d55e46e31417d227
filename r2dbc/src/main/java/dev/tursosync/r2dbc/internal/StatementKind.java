package dev.tursosync.r2dbc.internal;

import dev.tursosync.spi.StatementKinds;

/**
 * What the driver does with one statement, decided from its text once: {@link SqlScript} keeps it with each parsed
 * statement (parsed scripts are kept by text), so an execution of a statement run before reads it from there instead
 * of looking the text up again, once for the statement cache, once for the query cache and once for the lease.
 */
public enum StatementKind {

    /** A row change without {@code RETURNING} ({@link StatementCache#isCacheable}): run as a batch of one, kept. */
    ROW_CHANGE(true),
    /** A query ({@code SELECT}, {@code VALUES}): kept once stepped to its last row. */
    QUERY(true),
    /** Another query or row change, such as {@code WITH} or a row change with {@code RETURNING}: not kept. */
    OTHER_ROW_STATEMENT(true),
    /** Anything else (DDL, {@code PRAGMA}, transaction control, unknown text): the lease is reset at its end. */
    OTHER(false);

    private final boolean rowStatement;

    StatementKind(boolean rowStatement) {
        this.rowStatement = rowStatement;
    }

    /**
     * Classifies one statement as {@link StatementCache#isCacheable}, {@link StatementKinds#isQuery} and
     * {@link StatementKinds#isRowStatement} do.
     *
     * @param sql one statement
     * @return its kind
     */
    public static StatementKind of(String sql) {
        if (StatementCache.isCacheable(sql)) {
            return ROW_CHANGE;
        }
        if (StatementKinds.isQuery(sql)) {
            return QUERY;
        }
        return StatementKinds.isRowStatement(sql) ? OTHER_ROW_STATEMENT : OTHER;
    }

    /**
     * Whether the statement is a query or a row change ({@link StatementKinds#isRowStatement}): a lease that ran only
     * such statements in auto-commit mode is given back without a reset.
     *
     * @return {@code true} for every kind but {@link #OTHER}
     */
    public boolean rowStatement() {
        return rowStatement;
    }

    /**
     * Whether the statement is kept prepared once it ran to its end: a row change without {@code RETURNING} or a query.
     *
     * @return {@code true} for {@link #ROW_CHANGE} and {@link #QUERY}
     */
    public boolean kept() {
        return this == ROW_CHANGE || this == QUERY;
    }
}
