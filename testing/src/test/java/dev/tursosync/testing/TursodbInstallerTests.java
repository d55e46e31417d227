package dev.tursosync.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class TursodbInstallerTests {

    @TempDir
    Path tempDir;

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"0.7.0 ", "../0.7.0", "0.7.0;rm -rf /", "latest@1", "0.7.0/x", "${tursodb.version}"})
    void rejectsInvalidVersions(String version) {
        assertThatThrownBy(() -> TursodbInstaller.ensureInstalled(version, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid tursodb version");
    }

    @Test
    void missingBinaryFromEnvironmentIsReportedClearly() {
        Path missing = tempDir.resolve("no-such-tursodb");

        assertThatThrownBy(() -> TursodbInstaller.ensureInstalled("0.7.0", Map.of("TURSODB_BIN", missing.toString())))
                .isInstanceOf(TursodbUnavailableException.class)
                .hasMessageContaining("TURSODB_BIN=" + missing)
                .hasMessageContaining("does not name an executable file");
    }

    @Test
    void binaryFromEnvironmentWinsOverTheCache() throws Exception {
        Path binary = executableFile(tempDir.resolve("tursodb"));
        Map<String, String> env = Map.of("TURSODB_BIN", binary.toString(), "TURSOSYNC_CACHE", tempDir.resolve("cache").toString());

        assertThat(TursodbInstaller.ensureInstalled("0.7.0", env)).isEqualTo(binary);
        assertThat(tempDir.resolve("cache")).doesNotExist();
    }

    @Test
    void cachedBinaryIsUsedWithoutInstalling() throws Exception {
        Path cached = executableFile(tempDir.resolve(
                "tursodb-9.9.9-test/node_modules/@tursodatabase/cli-linux-x64-gnu/tursodb"));

        assertThat(TursodbInstaller.ensureInstalled("9.9.9-test", Map.of("TURSOSYNC_CACHE", tempDir.toString())))
                .isEqualTo(cached);
    }

    @Test
    void npmFailureIsReportedWithItsOutput() throws Exception {
        Path cache = tempDir.resolve("cache");

        assertThatThrownBy(() -> TursodbInstaller.ensureInstalled("0.0.0-no-such-version", Map.of("TURSOSYNC_CACHE", cache.toString())))
                .isInstanceOf(TursodbUnavailableException.class)
                .hasMessageContaining("npm install of @tursodatabase/cli-linux-x64-gnu@0.0.0-no-such-version failed with exit code");
        try (var leftovers = Files.list(cache)) {
            assertThat(leftovers.map(path -> path.getFileName().toString()))
                    .containsExactly("tursodb-0.0.0-no-such-version.lock");
        }
    }

    @Test
    void defaultVersionComesFromTheBuild() {
        assertThat(TursodbInstaller.defaultVersion()).matches("[0-9A-Za-z.\\-]+");
    }

    private static Path executableFile(Path path) throws Exception {
        Files.createDirectories(path.getParent());
        Files.writeString(path, "#!/bin/sh\n");
        assertThat(path.toFile().setExecutable(true)).isTrue();
        return path;
    }
}
