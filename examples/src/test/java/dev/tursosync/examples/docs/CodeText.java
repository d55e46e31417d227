package dev.tursosync.examples.docs;

import java.util.ArrayList;
import java.util.List;

/** Code lines compared as text: trailing spaces, blank lines around and the indentation all lines share removed. */
final class CodeText {

    private CodeText() {
    }

    static List<String> normalized(List<String> lines) {
        List<String> trimmed = new ArrayList<>(lines.stream().map(String::stripTrailing).toList());
        while (!trimmed.isEmpty() && trimmed.get(0).isEmpty()) {
            trimmed.remove(0);
        }
        while (!trimmed.isEmpty() && trimmed.get(trimmed.size() - 1).isEmpty()) {
            trimmed.remove(trimmed.size() - 1);
        }
        int indent = trimmed.stream().filter(line -> !line.isEmpty())
                .mapToInt(line -> line.length() - line.stripLeading().length())
                .min().orElse(0);
        return trimmed.stream().map(line -> line.isEmpty() ? line : line.substring(indent)).toList();
    }
}
