package dev.tursosync.examples.starter;

import org.springframework.data.annotation.Id;
import org.springframework.data.relational.core.mapping.Table;

/**
 * A row of table {@code greeting}.
 *
 * @param id   the key, given by the database
 * @param text the greeting
 */
@Table("greeting")
public record Greeting(@Id Long id, String text) {
}
