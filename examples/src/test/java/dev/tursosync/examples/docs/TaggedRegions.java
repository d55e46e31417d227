package dev.tursosync.examples.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds the regions of the source files under a folder that lie between a line {@code // tag::name[]} and a line
 * {@code // end::name[]} (or the same in {@code #}, {@code --} or {@code <!-- -->} comments).
 */
final class TaggedRegions {

    /** Markers are lines of their own: a comment ({@code //}, {@code #}, {@code --}, {@code <!-- -->}), nothing else. */
    private static final Pattern TAG = marker("tag");
    private static final Pattern END = marker("end");
    private static final Set<String> SOURCE_SUFFIXES = Set.of(".java", ".properties", ".sql", ".xml", ".yml", ".yaml");

    private TaggedRegions() {
    }

    private static Pattern marker(String kind) {
        return Pattern.compile("^\\s*(?://|#|--|<!--)\\s*" + kind + "::([\\w.-]+)\\[]\\s*(?:-->)?\\s*$");
    }

    /**
     * Every region under the folder, by name; build output ({@code target}) is skipped.
     *
     * @throws IllegalStateException if a name is used twice or a region is not closed
     */
    static Map<String, TaggedRegion> under(Path folder) {
        Map<String, TaggedRegion> regions = new LinkedHashMap<>();
        for (Path file : sourceFiles(folder)) {
            for (TaggedRegion region : in(file)) {
                TaggedRegion previous = regions.putIfAbsent(region.name(), region);
                if (previous != null) {
                    throw new IllegalStateException("tag " + region.name() + " is used twice: " + previous.where()
                            + " and " + region.where());
                }
            }
        }
        return regions;
    }

    private static List<TaggedRegion> in(Path file) {
        List<String> lines = read(file);
        Map<String, Integer> openedAt = new LinkedHashMap<>();
        Map<String, List<String>> bodies = new LinkedHashMap<>();
        List<TaggedRegion> regions = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            Matcher tag = TAG.matcher(line);
            Matcher end = END.matcher(line);
            if (tag.matches()) {
                openedAt.put(tag.group(1), i + 1);
                bodies.put(tag.group(1), new ArrayList<>());
            } else if (end.matches()) {
                String name = end.group(1);
                if (!openedAt.containsKey(name)) {
                    throw new IllegalStateException(file + ":" + (i + 1) + ": end::" + name + "[] without tag::");
                }
                regions.add(new TaggedRegion(name, file, openedAt.remove(name), List.copyOf(bodies.remove(name))));
            } else {
                bodies.values().forEach(body -> body.add(line));
            }
        }
        if (!openedAt.isEmpty()) {
            throw new IllegalStateException(file + ": tag::" + openedAt.keySet() + "[] never ended");
        }
        return regions;
    }

    private static List<Path> sourceFiles(Path folder) {
        try (Stream<Path> paths = Files.walk(folder)) {
            return paths.filter(Files::isRegularFile)
                    .filter(path -> !folder.relativize(path).toString().matches("(.*/)?target/.*"))
                    .filter(path -> SOURCE_SUFFIXES.stream().anyMatch(path.toString()::endsWith))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> read(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
