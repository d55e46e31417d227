package dev.tursosync.r2dbc.internal;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.sqlite.core.CoreResultSet;
import org.sqlite.core.CoreStatement;
import org.sqlite.core.DB;
import org.sqlite.core.SafeStmtPtr;

/**
 * The columns of an executed query, read from its live statement at every execution, and the row metadata built from
 * them. A kept statement run again reuses the metadata of its last execution while its columns' names and declared
 * types are what they were: SQLite re-compiles a kept statement against a changed schema, and both are read again from
 * the re-compiled one, so a replaced table or a renamed column gives new metadata. The check reads the names sqlite-jdbc
 * already read for the execution and one declared type per column; it skips what building the metadata costs (a
 * regular expression per column in sqlite-jdbc, the column objects and their lists).
 *
 * <p>A column without a declared type (an expression) is typed by its value in the first row, which can differ from
 * one execution to the next: metadata with such a column is never reused.
 */
final class ResultColumns implements SafeStmtPtr.SafePtrFunction<Boolean, SQLException> {

    private final String[] labels;
    private final String[] declared;
    private final TursoRowMetadata metadata;

    private ResultColumns(String[] labels, String[] declared, TursoRowMetadata metadata) {
        this.labels = labels;
        this.declared = declared;
        this.metadata = metadata;
    }

    /**
     * Reads the columns of a query that was just executed, its result set standing before or on the first row.
     *
     * @param statement the executed statement
     * @param rows      its result set
     * @param previous  the columns of the statement's last execution, or {@code null}
     * @return the columns, {@code previous} itself when nothing changed
     * @throws SQLException if reading them fails
     */
    static ResultColumns read(PreparedStatement statement, ResultSet rows, ResultColumns previous)
            throws SQLException {
        String[] labels = labels(rows);
        if (previous != null && previous.declared != null && Arrays.equals(labels, previous.labels)
                && previous.sameDeclaredTypes(statement)) {
            return previous;
        }
        String[] declared = declaredTypes(statement, labels.length);
        ResultSetMetaData jdbc = rows.getMetaData();
        TursoColumnMetadata[] columns = new TursoColumnMetadata[labels.length];
        for (int i = 0; i < columns.length; i++) {
            String type = declared != null && declared[i] != null ? typeName(declared[i])
                    : jdbc.getColumnTypeName(i + 1);
            columns[i] = new TursoColumnMetadata(labels[i], type);
        }
        return new ResultColumns(labels, reusable(declared) ? declared : null,
                new TursoRowMetadata(List.of(columns)));
    }

    /**
     * The row metadata.
     *
     * @return the metadata
     */
    TursoRowMetadata metadata() {
        return metadata;
    }

    /** The column names sqlite-jdbc read for this execution, else asked for one by one. */
    private static String[] labels(ResultSet rows) throws SQLException {
        if (rows instanceof CoreResultSet core && core.cols != null) {
            return core.cols;
        }
        ResultSetMetaData jdbc = rows.getMetaData();
        String[] labels = new String[jdbc.getColumnCount()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = jdbc.getColumnLabel(i + 1);
        }
        return labels;
    }

    /** SQLite's declared type of each column, {@code null} for an expression; {@code null} if they cannot be read. */
    private static String[] declaredTypes(PreparedStatement statement, int count) throws SQLException {
        if (!(statement instanceof CoreStatement core)) {
            return null;
        }
        String[] declared = new String[count];
        for (int i = 0; i < count; i++) {
            int column = i;
            declared[i] = core.pointer.safeRun((db, pointer) -> db.column_decltype(pointer, column));
        }
        return declared;
    }

    /**
     * Whether SQLite's declared types of the columns are these ({@link #declared}), read under one hold of the
     * statement, with these columns as the work (no object per execution).
     */
    private boolean sameDeclaredTypes(PreparedStatement statement) throws SQLException {
        if (!(statement instanceof CoreStatement core)) {
            return false;
        }
        return core.pointer.safeRun(this);
    }

    /** Under the statement's hold: whether its declared types are {@link #declared}. */
    @Override
    public Boolean run(DB db, long pointer) throws SQLException {
        for (int i = 0; i < declared.length; i++) {
            if (!declared[i].equals(db.column_decltype(pointer, i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean reusable(String[] declared) {
        return declared != null && Arrays.stream(declared).allMatch(java.util.Objects::nonNull);
    }

    /** What sqlite-jdbc's {@code getColumnTypeName} gives for a declared type: the part before {@code (}, upper case. */
    private static String typeName(String declared) {
        int open = declared.indexOf('(');
        return (open < 0 ? declared : declared.substring(0, open)).toUpperCase(Locale.ENGLISH);
    }
}
