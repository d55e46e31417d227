package dev.tursosync.release;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The files one module staged in {@code <staging>/<groupId>/<artifactId>/<version>/}: its pom (staged under its own
 * name, ending in {@code pom.xml}), its jars and their signatures, named as in the Maven repository layout.
 */
record StagedComponent(String groupId, String artifactId, String version, Path directory, List<Path> files) {

    static List<StagedComponent> readAll(Path staging) throws IOException {
        if (!Files.isDirectory(staging)) {
            return List.of();
        }
        try (Stream<Path> versions = Files.find(staging, 3, (path, attributes) -> attributes.isDirectory()
                && staging.relativize(path).getNameCount() == 3)) {
            return versions.sorted().map(StagedComponent::read).toList();
        }
    }

    private static StagedComponent read(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            return new StagedComponent(directory.getParent().getParent().getFileName().toString(),
                    directory.getParent().getFileName().toString(), directory.getFileName().toString(), directory,
                    files.filter(Files::isRegularFile).sorted().toList());
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + directory, e);
        }
    }

    /** {@code groupId:artifactId:version}. */
    String coordinates() {
        return groupId + ":" + artifactId + ":" + version;
    }

    /** The repository file name of this component's file with the given suffix, e.g. {@code -sources.jar}. */
    String fileName(String suffix) {
        return artifactId + "-" + version + suffix;
    }

    /** The staged pom: the one file whose name ends in {@code pom.xml}. */
    Optional<Path> pomFile() {
        List<Path> poms = files.stream().filter(file -> file.getFileName().toString().endsWith("pom.xml")).toList();
        return poms.size() == 1 ? Optional.of(poms.get(0)) : Optional.empty();
    }

    Optional<Path> file(String suffix) {
        Path file = directory.resolve(fileName(suffix));
        return files.contains(file) ? Optional.of(file) : Optional.empty();
    }

    /** The name a staged file gets in the bundle: the pom becomes {@code <artifactId>-<version>.pom}. */
    String bundleName(Path file) {
        return pomFile().filter(file::equals).map(pom -> fileName(".pom")).orElse(file.getFileName().toString());
    }

    /** The folder of this component in the Maven repository layout, e.g. {@code dev/tursosync/tursosync-core/1.0}. */
    String repositoryPath() {
        return groupId.replace('.', '/') + "/" + artifactId + "/" + version;
    }
}
