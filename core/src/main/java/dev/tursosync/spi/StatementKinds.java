package dev.tursosync.spi;

import dev.tursosync.internal.sql.RowStatements;
import org.jspecify.annotations.Nullable;

/**
 * Tells queries and row changes from other statements by their first keyword, as change capture does: a query or a
 * row change ({@code SELECT}, {@code VALUES}, {@code INSERT}, {@code REPLACE}, {@code UPDATE}, {@code DELETE},
 * {@code WITH}) changes neither the schema nor the transaction state, so a lease that ran only such statements in
 * auto-commit mode can be released without a reset ({@link Lease#release(boolean)}), and a statement layer may keep
 * them prepared. Anything else (DDL, {@code PRAGMA}, transaction control, unknown text) is not one. Results are
 * remembered per text, so asking again for the same statement is cheap.
 */
public final class StatementKinds {

    private StatementKinds() {
    }

    /**
     * Whether a statement is certainly a query or a row change.
     *
     * @param sql one statement, or {@code null} when unknown
     * @return {@code true} for queries and row changes; {@code false} otherwise or when unsure
     */
    public static boolean isRowStatement(@Nullable String sql) {
        return RowStatements.isRowStatement(sql);
    }

    /**
     * Whether a statement is certainly a query ({@code SELECT} or {@code VALUES}, not a {@code WITH} that may lead
     * into a row change): it writes nothing.
     *
     * @param sql one statement, or {@code null} when unknown
     * @return {@code true} for queries; {@code false} otherwise or when unsure
     */
    public static boolean isQuery(@Nullable String sql) {
        return RowStatements.isQuery(sql);
    }
}
