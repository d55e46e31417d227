package dev.tursosync.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The code in the README and in {@code docs/} is compiled code: every {@code ```java} block is preceded by
 * {@code <!-- snippet: name -->} and shows exactly the region tagged {@code name} in the examples' sources (which
 * the build compiles), apart from indentation. Blocks of other languages are checked the same way when marked.
 */
final class DocumentationSnippetsTests {

    private static final Path ROOT = Path.of(System.getProperty("tursosync.root", "..")).toAbsolutePath().normalize();

    @Test
    void everyJavaBlockNamesTheRegionItShows() {
        List<String> unmarked = shownBlocks().stream()
                .filter(block -> block.language().equals("java") && block.snippet() == null)
                .map(ShownBlock::where)
                .toList();

        assertThat(shownBlocks()).as("the documents' code blocks (found under %s)", ROOT)
                .filteredOn(block -> block.language().equals("java")).hasSizeGreaterThan(10);
        assertThat(unmarked).as("java blocks without <!-- snippet: name --> right before them").isEmpty();
    }

    @TestFactory
    Stream<DynamicTest> everyMarkedBlockShowsItsRegionExactly() {
        Map<String, TaggedRegion> regions = TaggedRegions.under(ROOT.resolve("examples"));
        return shownBlocks().stream().filter(block -> block.snippet() != null).map(block ->
                DynamicTest.dynamicTest(block.where() + " " + block.snippet(), () -> {
                    TaggedRegion region = regions.get(block.snippet());
                    assertThat(region).as("%s shows snippet %s; no source under examples/ tags it",
                            block.where(), block.snippet()).isNotNull();
                    assertThat(CodeText.normalized(block.lines()))
                            .as("%s must show %s of %s exactly", block.where(), block.snippet(), region.where())
                            .containsExactlyElementsOf(CodeText.normalized(region.lines()));
                }));
    }

    @Test
    void everyTaggedRegionIsShown() {
        Set<String> shown = shownBlocks().stream().map(ShownBlock::snippet).collect(Collectors.toSet());

        assertThat(TaggedRegions.under(ROOT.resolve("examples")).values())
                .filteredOn(region -> !shown.contains(region.name()))
                .extracting(TaggedRegion::where)
                .as("tagged regions no document shows").isEmpty();
    }

    private static List<ShownBlock> shownBlocks() {
        return documents().stream().flatMap(document -> MarkdownBlocks.of(document).stream()).toList();
    }

    private static List<Path> documents() {
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            return Stream.concat(Stream.of(ROOT.resolve("README.md")),
                    docs.filter(path -> path.toString().endsWith(".md")).sorted()).toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
