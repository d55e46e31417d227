package dev.tursosync.release;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The last step of {@code ./mvnw -Prelease verify}: checks what the published modules staged and writes the Maven
 * Central bundle, or fails the build with every problem found.
 *
 * <p>Arguments: the staging folder, the bundle file to write, the BOM's artifactId, and whether the files must be
 * signed ({@code true} or {@code false}).
 */
public final class CentralBundle {

    private CentralBundle() {
    }

    /**
     * Checks the staged components and writes the bundle.
     *
     * @param args staging folder, bundle file, BOM artifactId, signed
     * @throws IOException if the staged files cannot be read or the bundle cannot be written
     * @throws IllegalStateException listing every problem, if the staged components do not make a valid bundle
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 4) {
            throw new IllegalArgumentException("arguments: <staging folder> <bundle zip> <BOM artifactId> <signed>");
        }
        Path staging = Path.of(args[0]);
        Path zip = Path.of(args[1]);
        boolean signed = Boolean.parseBoolean(args[3]);
        List<StagedComponent> components = StagedComponent.readAll(staging);
        List<String> problems = BundleCheck.check(components, args[2], signed);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("the Maven Central bundle is not valid:\n  - "
                    + String.join("\n  - ", problems));
        }
        BundleWriter.write(components, zip);
        System.out.println("Maven Central bundle: " + zip + " (" + components.size() + " components"
                + (signed ? ", signed" : ", NOT signed: give a key to publish it (RELEASING.md)") + ")");
        components.forEach(component -> System.out.println("  " + component.coordinates()));
        if (components.stream().anyMatch(component -> component.version().endsWith("-SNAPSHOT"))) {
            System.out.println("A SNAPSHOT version: Maven Central takes release versions only (RELEASING.md).");
        }
    }
}
