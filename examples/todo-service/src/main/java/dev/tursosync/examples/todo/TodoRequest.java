package dev.tursosync.examples.todo;

/**
 * The body of {@code POST /todos} and {@code PUT /todos/{id}}.
 *
 * @param title what to do; required
 * @param done  whether it is done; {@code false} when absent
 */
public record TodoRequest(String title, boolean done) {
}
