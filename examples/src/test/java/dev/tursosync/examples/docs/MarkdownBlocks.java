package dev.tursosync.examples.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the fenced code blocks of Markdown documents (also indented ones, in lists), with the snippet name marked
 * before each one.
 */
final class MarkdownBlocks {

    private static final Pattern MARKER = Pattern.compile("^<!--\\s*snippet:\\s*([\\w.-]+)\\s*-->$");
    private static final String FENCE = "```";

    private MarkdownBlocks() {
    }

    /** The blocks of one document, in order. */
    static List<ShownBlock> of(Path document) {
        List<String> lines = read(document);
        List<ShownBlock> blocks = new ArrayList<>();
        String lastText = "";
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (!line.strip().startsWith(FENCE)) {
                if (!line.isBlank()) {
                    lastText = line.strip();
                }
                continue;
            }
            int close = i + 1;
            while (close < lines.size() && !lines.get(close).strip().startsWith(FENCE)) {
                close++;
            }
            if (close == lines.size()) {
                throw new IllegalStateException(document + ":" + (i + 1) + ": a code block is not closed");
            }
            Matcher marker = MARKER.matcher(lastText);
            blocks.add(new ShownBlock(document, i + 1, line.strip().substring(FENCE.length()).strip(),
                    marker.matches() ? marker.group(1) : null, List.copyOf(lines.subList(i + 1, close))));
            lastText = "";
            i = close;
        }
        return blocks;
    }

    private static List<String> read(Path document) {
        try {
            return Files.readAllLines(document);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
