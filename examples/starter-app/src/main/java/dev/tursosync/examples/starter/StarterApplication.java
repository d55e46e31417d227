package dev.tursosync.examples.starter;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** An application that configures nothing itself: the replica, its sync and R2DBC come from the starter. */
@SpringBootApplication
public class StarterApplication {

    /**
     * Starts the application.
     *
     * @param args Spring Boot's arguments
     */
    public static void main(String[] args) {
        SpringApplication.run(StarterApplication.class, args);
    }
}
