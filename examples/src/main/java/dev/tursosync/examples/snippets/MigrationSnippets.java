package dev.tursosync.examples.snippets;

import dev.tursosync.SyncClient;
import java.nio.file.Path;
import java.sql.Connection;
import liquibase.command.CommandScope;
import liquibase.command.core.UpdateCommandStep;
import liquibase.command.core.helpers.DbUrlConnectionArgumentsCommandStep;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import org.flywaydb.core.Flyway;

/** The code of {@code docs/migrations.md}. */
final class MigrationSnippets {

    private MigrationSnippets() {
    }

    static void flyway() {
        // tag::migrations-flyway[]
        SyncClient client = SyncClient.builder()
                .path(Path.of("app.db"))
                .url("http://127.0.0.1:8080")
                .build();
        client.open().block();            // bootstraps a new replica, or resumes this one
        client.pullChanges().blockLast(); // what other replicas migrated and pushed: seen as applied
        Flyway.configure()
                .dataSource(client.dataSource()) // the client's own connections: DDL and rows are captured
                .baselineOnMigrate(true)         // the replica is never empty: it holds the client's tables
                .baselineVersion("0")
                .load()
                .migrate();
        client.push().block();            // the schema, the migrations' rows and Flyway's history, in order
        client.autoSync();                // only now: pulls wait while a migration holds a connection
        // end::migrations-flyway[]
    }

    static void liquibase(SyncClient client) throws Exception {
        // tag::migrations-liquibase[]
        client.pullChanges().blockLast();
        try (Connection connection = client.dataSource().getConnection()) {
            Database database = DatabaseFactory.getInstance()
                    .findCorrectDatabaseImplementation(new JdbcConnection(connection));
            new CommandScope(UpdateCommandStep.COMMAND_NAME)
                    .addArgumentValue(DbUrlConnectionArgumentsCommandStep.DATABASE_ARG, database)
                    .addArgumentValue(UpdateCommandStep.CHANGELOG_FILE_ARG, "db/changelog.sql")
                    .execute();
        }
        client.push().block();
        // end::migrations-liquibase[]
    }
}
