package dev.tursosync.examples.modules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tursosync.testing.LocalSyncServer;
import dev.tursosync.testing.TursoServerExtension;
import java.io.File;
import java.lang.module.FindException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client and the driver as named modules ({@code module-info}): {@link ModularApp} runs in a child JVM with
 * {@code dev.tursosync}, {@code dev.tursosync.r2dbc} and what they require on the module path, against the real
 * server. It would fail if a package Jackson or protobuf reads by reflection were not open to them, if the driver were
 * not a service of the module, or if an engine package were exported.
 */
@ExtendWith(TursoServerExtension.class)
final class ModulePathIntegrationTests {

    @Test
    void theModulesWorkOnTheModulePath(LocalSyncServer server, @TempDir Path folder) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--module-path", String.join(File.pathSeparator, modulePath()),
                "--add-modules", "dev.tursosync.r2dbc",
                "-cp", appClasses().toString(),
                ModularApp.class.getName(), server.url(), folder.toString()));
        Path output = folder.resolve("output.txt");
        Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        try {
            assertThat(child.waitFor(5, TimeUnit.MINUTES)).as("the modular app ended").isTrue();
        } finally {
            child.destroyForcibly();
        }
        String printed = Files.readString(output, StandardCharsets.UTF_8);
        assertThat(child.exitValue()).as(printed).isZero();
        assertThat(printed).contains("modules dev.tursosync dev.tursosync.r2dbc", "exported true true true",
                "hidden true true", "bootstrapped 1", "rebased 3",
                "service dev.tursosync.r2dbc.TursoConnectionFactory", "OK");
    }

    /** The folder of the app's class, put on the child's class path (the unnamed module). */
    private static Path appClasses() throws URISyntaxException {
        return Path.of(ModularApp.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    /**
     * The driver's module and every module it needs, from this JVM's class path: the closure of the explicit modules'
     * {@code requires}, and every Netty module, which Reactor Netty (an automatic module, whose needs are not declared)
     * loads.
     */
    private static List<String> modulePath() {
        Map<String, Path> modules = new LinkedHashMap<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            name(Path.of(entry)).ifPresent(name -> modules.putIfAbsent(name, Path.of(entry)));
        }
        assertThat(modules).as("modules on the class path").containsKeys("dev.tursosync", "dev.tursosync.r2dbc");
        Map<String, Path> chosen = new LinkedHashMap<>();
        Deque<String> todo = new ArrayDeque<>(List.of("dev.tursosync.r2dbc"));
        modules.keySet().stream().filter(name -> name.startsWith("io.netty.")).forEach(todo::add);
        while (!todo.isEmpty()) {
            String name = todo.pop();
            Path path = modules.get(name);
            if (path == null || chosen.putIfAbsent(name, path) != null) {
                continue;
            }
            for (ModuleDescriptor.Requires requires : descriptor(path).requires()) {
                if (!requires.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC)) {
                    todo.add(requires.name());
                }
            }
        }
        assertThat(chosen).as("modules the driver needs").containsKeys("dev.tursosync", "reactor.core",
                "reactor.netty.http", "com.google.protobuf", "com.fasterxml.jackson.databind", "org.xerial.sqlitejdbc",
                "r2dbc.spi");
        return chosen.values().stream().map(Path::toString).toList();
    }

    private static Optional<String> name(Path entry) {
        if (!Files.exists(entry)) {
            return Optional.empty();
        }
        try {
            return Optional.of(descriptor(entry).name());
        } catch (FindException | IllegalStateException notAModule) {
            return Optional.empty();
        }
    }

    private static ModuleDescriptor descriptor(Path entry) {
        return ModuleFinder.of(entry).findAll().stream().findFirst().map(ModuleReference::descriptor)
                .orElseThrow(() -> new IllegalStateException("no module in " + entry));
    }
}
