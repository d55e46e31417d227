package dev.tursosync.spring.boot.app;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** A Boot application that configures nothing itself: everything comes from the starter and tursosync.*. */
@SpringBootApplication
public class NotesApplication {
}
