package dev.tursosync.examples.todo;

import org.springframework.data.annotation.Id;
import org.springframework.data.relational.core.mapping.Table;

/**
 * A row of the {@code todo} table.
 *
 * @param id    the key, {@code null} before the row is inserted
 * @param title what to do
 * @param done  whether it is done
 */
// tag::todo-entity[]
@Table("todo")
public record Todo(@Id Long id, String title, boolean done) {
}
// end::todo-entity[]
