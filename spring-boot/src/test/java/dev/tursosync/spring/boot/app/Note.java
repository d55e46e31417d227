package dev.tursosync.spring.boot.app;

import org.springframework.data.annotation.Id;
import org.springframework.data.relational.core.mapping.Table;

/** A row of the test application. */
@Table("note")
public record Note(@Id Long id, String text) {
}
