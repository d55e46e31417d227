package dev.tursosync.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Starts a test's child JVM: the same Java and class path as the test, small heap, output and errors merged. */
final class ChildJvm {

    private ChildJvm() {
    }

    static Process start(Class<?> main, String... args) throws IOException {
        return start(List.of(), main, args);
    }

    /** Starts a child with extra JVM options (system properties, for example). */
    static Process start(List<String> jvmOptions, Class<?> main, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx256m", "-XX:TieredStopAtLevel=1", "-Xshare:auto"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    /** Reads the child's output on a daemon thread: each line to {@code onLine}, then {@code onEnd} at its end. */
    static void readLines(Process process, String name, Consumer<String> onLine, Runnable onEnd) {
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    onLine.accept(line);
                }
            } catch (IOException e) {
                // the process ended or was killed
            } finally {
                onEnd.run();
            }
        }, name + "-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /** In a child: prints a line for the parent at once. */
    static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    /** In a child: prints {@code FAILED} with the stack trace and exits with status 1. */
    static void exitFailed(Throwable failure) {
        System.out.println("FAILED " + failure);
        failure.printStackTrace(System.out);
        System.out.flush();
        System.exit(1);
    }
}
