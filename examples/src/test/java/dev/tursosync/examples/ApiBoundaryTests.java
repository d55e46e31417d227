package dev.tursosync.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The public API is {@code dev.tursosync} (and the packages beside it that are not {@code internal}); everything under
 * {@code dev.tursosync.internal} may change in any release. Code that stands for an application, the examples, the
 * Spring Boot starter, the test support and the driver's own tests, uses the public API only; the R2DBC driver uses
 * exactly the internal types listed here, until the engine offers it a public way to the client's connections
 * (issue 20); the bench module, a measuring tool that reaches into the engine on purpose, is not checked. Every API
 * package is JSpecify {@code @NullMarked}, so what may be null is said by {@code @Nullable}.
 */
class ApiBoundaryTests {

    private static final Path ROOT = Path.of(System.getProperty("tursosync.root", "..")).toAbsolutePath().normalize();
    private static final Pattern INTERNAL = Pattern.compile(
            "^import\\s+(?:static\\s+)?(dev\\.tursosync\\.internal\\.[\\w.]+)", Pattern.MULTILINE);

    /** Source trees that must not name an internal type at all. */
    private static final List<String> PUBLIC_API_ONLY = List.of("examples/src", "examples/todo-service/src",
            "examples/starter-app/src", "spring-boot/src", "testing/src", "r2dbc/src/test");

    /** What the R2DBC driver's main code may still use of the engine's internals, and nothing more. */
    private static final Set<String> R2DBC_ALLOWED = Set.of(
            "dev.tursosync.internal.client.DefaultSyncClient",
            "dev.tursosync.internal.db.AccessGate",
            "dev.tursosync.internal.db.ConnectionLease",
            "dev.tursosync.internal.db.ConnectionManager",
            "dev.tursosync.internal.db.SerialLane",
            "dev.tursosync.internal.sql.RowStatements");

    @Test
    void applicationsUseThePublicApiOnly() {
        for (String tree : PUBLIC_API_ONLY) {
            assertThat(internalNames(ROOT.resolve(tree))).as("internal types named under %s", tree).isEmpty();
        }
    }

    @Test
    void theR2dbcDriverUsesNoNewInternalType() {
        Set<String> used = new TreeSet<>();
        internalNames(ROOT.resolve("r2dbc/src/main"))
                .forEach(found -> used.add(found.substring(found.indexOf(' ') + 1)));
        assertThat(used).as("internal types the R2DBC driver uses").isNotEmpty().isSubsetOf(R2DBC_ALLOWED);
    }

    @Test
    void everyApiPackageIsNullMarked() throws IOException {
        List<Path> packages = new java.util.ArrayList<>();
        for (String tree : List.of("core/src/main/java", "r2dbc/src/main/java")) {
            try (Stream<Path> folders = Files.walk(ROOT.resolve(tree))) {
                packages.addAll(folders.filter(Files::isDirectory)
                        .filter(folder -> !folder.toString().contains("internal"))
                        .filter(ApiBoundaryTests::holdsJavaTypes)
                        .toList());
            }
        }
        assertThat(packages).as("API packages").hasSizeGreaterThanOrEqualTo(3);
        for (Path folder : packages) {
            Path info = folder.resolve("package-info.java");
            assertThat(info).as("package-info of %s", ROOT.relativize(folder)).exists();
            assertThat(Files.readString(info)).as("%s", ROOT.relativize(info)).contains("@NullMarked");
        }
    }

    private static boolean holdsJavaTypes(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            return files.anyMatch(file -> file.toString().endsWith(".java")
                    && !file.getFileName().toString().equals("package-info.java"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void theCheckSeesInternalNames() {
        assertThat(internalNames(ROOT.resolve("core/src/main/java/dev/tursosync/SyncClient.java")))
                .as("SyncClient's builder builds the internal client; the scan must find that").isNotEmpty();
    }

    /** Every internal type imported by the Java files under a path, as {@code file type}. */
    private static Set<String> internalNames(Path tree) {
        assertThat(tree).as("a source tree of the repository").exists();
        Set<String> found = new TreeSet<>();
        try (Stream<Path> files = Files.walk(tree)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Matcher matcher = INTERNAL.matcher(Files.readString(file));
                while (matcher.find()) {
                    found.add(ROOT.relativize(file) + " " + matcher.group(1));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }
}
