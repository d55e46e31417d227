package dev.tursosync.internal.capture;

import static dev.tursosync.internal.sql.Identifiers.literal;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The statements that install change capture on a database without it (a new replica, or one a pull replaced with
 * the remote's pages), kept for the schema they were planned on. Every pull over nothing pending installs capture
 * again on the remote's schema, which is nearly always the one the last pull had: reading each table's shape
 * ({@code pragma_table_list}, {@code pragma_table_xinfo}, {@code pragma_index_list}) and the triggers attached to it
 * is then skipped, and the script runs as one batch.
 *
 * <p>The key is the whole of {@code sqlite_schema} (every row, SQLite's and the client's objects included, each with
 * its type, name, table, root page and SQL): everything the plan reads is derived from it by the same SQLite
 * library, so a script is only reused on a schema it was planned on, and both paths run the same text. One script
 * is kept, the latest.
 */
final class InstallScripts {

    /** A planned install and the schema it was planned on. */
    private record Planned(List<SchemaObject> schema, String script, int tables) {
    }

    private volatile Planned latest;

    /**
     * Installs capture: the change log, the schema snapshot, and the triggers of every user table, in the caller's
     * transaction.
     *
     * @param connection     a connection inside a write transaction, on a database without the change log
     * @param createLog      the statement that creates the change log
     * @param createSnapshot the statement that creates the schema snapshot
     * @return how many tables got triggers
     * @throws SQLException if SQLite refuses
     */
    int install(Connection connection, String createLog, String createSnapshot) throws SQLException {
        List<SchemaObject> schema = SchemaObject.readAll(connection);
        Planned planned = latest;
        if (planned == null || !planned.schema().equals(schema)) {
            planned = plan(connection, schema, createLog, createSnapshot);
            latest = planned;
        }
        try (Statement statement = connection.createStatement()) {
            statement.executeUpdate(planned.script());
        }
        return planned.tables();
    }

    /** Reads what the install needs of each table, and writes it out as one script. */
    private static Planned plan(Connection connection, List<SchemaObject> schema, String createLog,
                                String createSnapshot) throws SQLException {
        List<String> statements = new ArrayList<>(List.of(createLog, createSnapshot));
        Map<String, SchemaObject> live = SchemaObject.userObjects(schema);
        int tables = 0;
        for (SchemaObject object : live.values()) {
            if (object.isTable()) {
                var shape = CapturedTable.read(connection, object.name());
                if (shape.isPresent()) {
                    statements.addAll(CaptureTriggers.installStatements(connection, shape.get()));
                    tables++;
                }
            }
        }
        statements.add("DELETE FROM " + CaptureNames.SCHEMA);
        int seq = 0;
        for (SchemaObject object : live.values()) {
            statements.add("INSERT INTO " + CaptureNames.SCHEMA + "(name, seq, type, tbl, rootpage, sql) VALUES ("
                    + literal(object.name()) + ", " + seq++ + ", " + literal(object.type()) + ", "
                    + literal(object.table()) + ", " + object.rootPage() + ", " + literal(object.sql()) + ")");
        }
        return new Planned(schema, String.join(";\n", statements), tables);
    }
}
