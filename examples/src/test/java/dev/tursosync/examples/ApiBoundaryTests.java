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
import org.junit.jupiter.api.io.TempDir;

/**
 * The public API is {@code dev.tursosync}, the service provider interface {@code dev.tursosync.spi} (and the packages
 * beside them that are not {@code internal}); everything under {@code dev.tursosync.internal} and
 * {@code dev.tursosync.r2dbc.internal} may change in any release. Code that stands for an application or a driver,
 * the examples, the Spring Boot starter, the test support and the R2DBC driver (main code and tests), uses the
 * public API only: it names no type of core's {@code internal} packages, and outside the driver none of the driver's.
 * The bench module, a measuring tool that reaches into the engine on purpose, is not checked. Every API package is
 * JSpecify {@code @NullMarked}, so what may be null is said by {@code @Nullable}, and no public signature of core's
 * API packages names an internal type.
 */
class ApiBoundaryTests {

    private static final Path ROOT = Path.of(System.getProperty("tursosync.root", "..")).toAbsolutePath().normalize();
    /** A name of core's engine packages, in an import or written out in code. */
    private static final Pattern CORE_INTERNAL = Pattern.compile("\\bdev\\.tursosync\\.internal\\b[\\w.]*");
    /** A name of the R2DBC driver's own internal package. */
    private static final Pattern DRIVER_INTERNAL = Pattern.compile("\\bdev\\.tursosync\\.r2dbc\\.internal\\b[\\w.]*");
    /** The checks themselves, which name what they forbid. */
    private static final List<Path> CHECKS = List.of(Path.of("dev/tursosync/examples/ApiBoundaryTests.java"),
            Path.of("dev/tursosync/examples/InternalSignatures.java"),
            Path.of("dev/tursosync/examples/modules/ModularApp.java"));
    /** Comments, whose text may mention the internal packages. */
    private static final Pattern COMMENT = Pattern.compile("/\\*.*?\\*/|//[^\\n]*", Pattern.DOTALL);

    /** Source trees that must not name a type of core's internal packages. */
    private static final List<String> PUBLIC_API_ONLY = List.of("examples/src", "examples/todo-service/src",
            "examples/starter-app/src", "spring-boot/src", "testing/src", "r2dbc/src/main", "r2dbc/src/test");

    /** Source trees outside the driver, which must not name its internal package either. */
    private static final List<String> OUTSIDE_THE_DRIVER = List.of("examples/src", "examples/todo-service/src",
            "examples/starter-app/src", "spring-boot/src", "testing/src");

    /** The API packages of core, whose public signatures must name no internal type. */
    private static final List<String> CORE_API = List.of("dev/tursosync", "dev/tursosync/spi");

    @Test
    void applicationsAndTheDriverUseThePublicApiOnly() {
        for (String tree : PUBLIC_API_ONLY) {
            assertThat(names(ROOT.resolve(tree), CORE_INTERNAL)).as("core's internal types named under %s", tree)
                    .isEmpty();
        }
    }

    @Test
    void onlyTheDriverUsesItsInternalPackage() {
        for (String tree : OUTSIDE_THE_DRIVER) {
            assertThat(names(ROOT.resolve(tree), DRIVER_INTERNAL)).as("the driver's internal types named under %s",
                    tree).isEmpty();
        }
    }

    @Test
    void theApiSignaturesNameNoInternalType() throws Exception {
        List<String> leaks = new java.util.ArrayList<>();
        for (String api : CORE_API) {
            for (Class<?> type : apiTypes(api)) {
                leaks.addAll(InternalSignatures.of(type));
            }
        }
        assertThat(leaks).as("public members of core's API whose signature names an internal type").isEmpty();
    }

    @Test
    void theSignatureCheckSeesAnInternalType() throws ClassNotFoundException {
        assertThat(InternalSignatures.of(Class.forName("dev.tursosync.internal.client.DefaultSyncClient")))
                .as("the engine's client hands out its connection manager; the check must find that")
                .anySatisfy(leak -> assertThat(leak).contains("connections"));
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
                    && !file.getFileName().toString().equals("package-info.java")
                    && !file.getFileName().toString().equals("module-info.java"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void theCheckSeesInternalNames(@TempDir Path folder) throws IOException {
        assertThat(names(ROOT.resolve("core/src/main/java/dev/tursosync/SyncClient.java"), CORE_INTERNAL))
                .as("SyncClient's builder builds the internal client; the scan must find that").isNotEmpty();
        Files.writeString(folder.resolve("Cast.java"), String.join("\n",
                "/** Not {@link dev.tursosync.internal.client.DefaultSyncClient}. */",
                "class Cast {",
                "    // nor dev.tursosync.internal.db.AccessGate",
                "    Object manager(Object client) {",
                "        return ((dev.tursosync.internal.client.DefaultSyncClient) client).connections();",
                "    }",
                "}"));
        assertThat(names(folder, CORE_INTERNAL)).as("a name written out in code counts, one in a comment does not")
                .singleElement().asString().endsWith(" dev.tursosync.internal.client.DefaultSyncClient");
        assertThat(names(folder, DRIVER_INTERNAL)).isEmpty();
    }

    /** Every internal name, imported or written out in code (not in comments), in the Java files under a path. */
    private static Set<String> names(Path tree, Pattern internal) {
        assertThat(tree).as("a source tree of the repository").exists();
        Set<String> found = new TreeSet<>();
        try (Stream<Path> files = Files.walk(tree)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java") && CHECKS.stream().noneMatch(f::endsWith))
                    .toList()) {
                Matcher matcher = internal.matcher(COMMENT.matcher(Files.readString(file)).replaceAll(" "));
                while (matcher.find()) {
                    found.add(ROOT.relativize(file) + " " + matcher.group());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    /** The public types of one of core's API packages, nested ones included. */
    private static List<Class<?>> apiTypes(String folder) throws IOException, ClassNotFoundException {
        List<Class<?>> types = new java.util.ArrayList<>();
        try (Stream<Path> files = Files.list(ROOT.resolve("core/src/main/java").resolve(folder))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String simple = file.getFileName().toString().replace(".java", "");
                if (!simple.equals("package-info")) {
                    types.add(Class.forName(folder.replace('/', '.') + "." + simple));
                }
            }
        }
        for (int i = 0; i < types.size(); i++) {
            for (Class<?> nested : types.get(i).getDeclaredClasses()) {
                if (java.lang.reflect.Modifier.isPublic(nested.getModifiers())) {
                    types.add(nested);
                }
            }
        }
        assertThat(types).as("types of %s", folder).isNotEmpty();
        return types;
    }
}
