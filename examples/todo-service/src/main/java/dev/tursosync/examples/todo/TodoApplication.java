package dev.tursosync.examples.todo;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * A to-do service on a local SQLite replica kept in sync with a Turso database: REST endpoints over a Spring Data
 * R2DBC repository, a sync in the background, and {@code GET /health} with the sync status.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class TodoApplication {

    /** Created by Spring. */
    public TodoApplication() {
    }

    /**
     * Starts the service.
     *
     * @param args Spring Boot arguments, for example {@code --server.port=8081}
     */
    public static void main(String[] args) {
        SpringApplication.run(TodoApplication.class, args);
    }
}
