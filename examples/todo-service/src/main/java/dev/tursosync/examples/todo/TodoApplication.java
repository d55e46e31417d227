package dev.tursosync.examples.todo;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A to-do service on a local SQLite replica kept in sync with a Turso database: REST endpoints over a Spring Data
 * R2DBC repository, change events as Server-Sent Events and a page at {@code /}; the replica, its background sync,
 * health and metrics come from {@code tursosync-spring-boot-starter} and the {@code tursosync.*} properties.
 */
@SpringBootApplication
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
