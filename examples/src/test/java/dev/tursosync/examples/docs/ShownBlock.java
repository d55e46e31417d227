package dev.tursosync.examples.docs;

import java.nio.file.Path;
import java.util.List;

/**
 * A fenced code block of a Markdown document.
 *
 * @param document the Markdown file
 * @param line     the line of the opening fence, from 1
 * @param language the fence's language, empty if none
 * @param snippet  the name in a {@code <!-- snippet: name -->} comment right before the fence, or {@code null}
 * @param lines    the block's lines
 */
record ShownBlock(Path document, int line, String language, String snippet, List<String> lines) {

    /** Where the block starts, as {@code file:line}. */
    String where() {
        return document.getFileName() + ":" + line;
    }
}
