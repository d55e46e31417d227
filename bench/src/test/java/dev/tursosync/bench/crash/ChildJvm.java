package dev.tursosync.bench.crash;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * How the children's JVMs start, made cheap because hundreds of them start: the test class path with its folders
 * packed into jars (class-data sharing accepts only jars), and, once {@link #archiveRun()} has run a child to its
 * end, a dynamic class-data-sharing archive of the classes it loaded, which halves the time to {@code READY}.
 * Each child gets a temporary folder of its own, emptied after it dies (sqlite-jdbc and Netty unpack native
 * libraries there and a killed JVM never removes them).
 */
final class ChildJvm {

    private final Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    private final String classPath;
    private final Path archive;
    private final Path tmp;

    private ChildJvm(String classPath, Path archive, Path tmp) {
        this.classPath = classPath;
        this.archive = archive;
        this.tmp = tmp;
    }

    /**
     * Prepares the class path in a folder.
     *
     * @param dir a folder of the test
     * @return the launcher
     */
    static ChildJvm prepare(Path dir) throws IOException {
        Path jars = Files.createDirectories(dir.resolve("classpath"));
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path path = Path.of(entry);
            if (Files.isDirectory(path)) {
                Path jar = jars.resolve(entries.size() + ".jar");
                pack(path, jar);
                entries.add(jar.toString());
            } else if (Files.exists(path)) {
                entries.add(entry);
            }
        }
        return new ChildJvm(String.join(File.pathSeparator, entries), dir.resolve("children.jsa"),
                dir.resolve("child-tmp"));
    }

    private static void pack(Path folder, Path jar) throws IOException {
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file);
             Stream<Path> files = Files.walk(folder)) {
            for (Path path : (Iterable<Path>) files.sorted()::iterator) {
                if (Files.isRegularFile(path)) {
                    out.putNextEntry(new JarEntry(folder.relativize(path).toString().replace(File.separatorChar, '/')));
                    Files.copy(path, out);
                    out.closeEntry();
                }
            }
        }
    }

    /**
     * The command of a child that writes the class-data-sharing archive when it exits normally.
     *
     * @param arguments the child's arguments
     * @return the command
     */
    List<String> archiveRun(List<String> arguments) {
        return command(List.of("-XX:ArchiveClassesAtExit=" + archive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off"),
                arguments);
    }

    /**
     * The command of a child, with the archive if there is one.
     *
     * @param arguments the child's arguments
     * @return the command
     */
    List<String> run(List<String> arguments) {
        return command(Files.exists(archive) ? List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off",
                "-Xlog:cds+dynamic=off") : List.of(), arguments);
    }

    /**
     * Whether the archive exists.
     *
     * @return whether children start from it
     */
    boolean hasArchive() {
        return Files.exists(archive);
    }

    /** Empties the children's temporary folder; call only while no child runs. */
    void cleanTemporaryFiles() {
        try (Stream<Path> files = Files.walk(tmp)) {
            for (Path path : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                if (!path.equals(tmp)) {
                    Files.delete(path);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot empty " + tmp, e);
        }
    }

    private List<String> command(List<String> options, List<String> arguments) {
        try {
            Files.createDirectories(tmp);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC", "-Xshare:auto", "-Djava.io.tmpdir=" + tmp,
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"));
        command.addAll(options);
        command.addAll(List.of("-cp", classPath, RebaseCrashChild.class.getName()));
        command.addAll(arguments);
        return command;
    }
}
