package dev.tursosync.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bundle is the repository layout with checksums, and the same staging gives the same bytes. */
final class BundleWriterTests {

    @TempDir
    Path folder;

    @Test
    void writesTheRepositoryLayoutWithChecksums() throws Exception {
        BundleFixture fixture = new BundleFixture(folder.resolve("staging"));
        fixture.signAll();
        Path zip = folder.resolve("bundle.zip");

        BundleWriter.write(StagedComponent.readAll(fixture.staging), zip);

        try (ZipFile bundle = new ZipFile(zip.toFile())) {
            List<String> names = bundle.stream().map(entry -> entry.getName()).toList();
            String core = "dev/tursosync/tursosync-core/1.2.3/tursosync-core-1.2.3";
            assertThat(names).contains(core + ".pom", core + ".pom.asc", core + ".pom.md5", core + ".pom.sha1",
                    core + ".jar", core + ".jar.sha256", core + ".jar.sha512", core + "-sources.jar.asc",
                    core + "-javadoc.jar.md5", "dev/tursosync/tursosync-bom/1.2.3/tursosync-bom-1.2.3.pom");
            assertThat(names).noneMatch(name -> name.endsWith(".asc.md5") || name.endsWith("pom.xml"));
            assertThat(names).isSorted();
            byte[] jar = Files.readAllBytes(fixture.directory("tursosync-core").resolve("tursosync-core-1.2.3.jar"));
            String sha1 = new String(bundle.getInputStream(bundle.getEntry(core + ".jar.sha1")).readAllBytes());
            assertThat(sha1).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(jar)));
        }
        Path again = folder.resolve("again.zip");
        BundleWriter.write(StagedComponent.readAll(fixture.staging), again);
        assertThat(Files.readAllBytes(again)).isEqualTo(Files.readAllBytes(zip));
    }
}
