package dev.tursosync.internal.hrana;

/**
 * A result column.
 *
 * @param name     the column name, possibly {@code null}
 * @param declType the declared type, possibly {@code null}
 */
public record Column(String name, String declType) {
}
