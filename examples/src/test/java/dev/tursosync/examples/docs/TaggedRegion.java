package dev.tursosync.examples.docs;

import java.nio.file.Path;
import java.util.List;

/**
 * The lines of a source file between {@code tag::name[]} and {@code end::name[]} (marker lines of other regions
 * nested in it left out).
 *
 * @param name  the tag
 * @param file  the source file
 * @param line  the line of the {@code tag::} marker, from 1
 * @param lines the region's lines
 */
record TaggedRegion(String name, Path file, int line, List<String> lines) {

    /** Where the region starts, as {@code file:line}. */
    String where() {
        return file.getFileName() + ":" + line;
    }
}
