package dev.tursosync.release;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;

/** Stages a valid set of components in a folder, as the release profile does: a parent, a BOM and two jars. */
final class BundleFixture {

    static final String VERSION = "1.2.3";
    /** What Central requires beyond a name and description. */
    static final String METADATA = """
              <url>https://example.org/tursosync</url>
              <licenses><license><name>Apache-2.0</name><url>https://www.apache.org/licenses/LICENSE-2.0.txt</url>\
            </license></licenses>
              <developers><developer><name>The developers</name></developer></developers>
              <scm><url>https://example.org/tursosync</url><connection>scm:git:https://example.org/t.git</connection>\
            </scm>
            """;

    final Path staging;

    BundleFixture(Path staging) throws IOException {
        this.staging = staging;
        pom("tursosync-parent", "<packaging>pom</packaging><name>tursosync</name><description>the parent</description>"
                + METADATA);
        pom("tursosync-bom", "<packaging>pom</packaging><name>BOM</name><description>the BOM</description>" + METADATA
                + """
                <dependencyManagement><dependencies>
                  <dependency><groupId>dev.tursosync</groupId><artifactId>tursosync-core</artifactId>\
                <version>${project.version}</version></dependency>
                  <dependency><groupId>dev.tursosync</groupId><artifactId>tursosync-r2dbc</artifactId>\
                <version>1.2.3</version></dependency>
                </dependencies></dependencyManagement>
                """);
        publishedJar("tursosync-core", "dev.tursosync", "dev/tursosync/SyncClient.class");
        publishedJar("tursosync-r2dbc", "dev.tursosync.r2dbc", "dev/tursosync/r2dbc/Driver.class");
    }

    /** Stages a jar module: a pom inheriting the parent's metadata, the jar, its sources and javadoc jars. */
    void publishedJar(String artifactId, String moduleName, String classEntry) throws IOException {
        childPom(artifactId, "<name>" + artifactId + "</name><description>a module</description>");
        jar(artifactId, ".jar", moduleName, classEntry);
        jar(artifactId, "-sources.jar", null, classEntry.replace(".class", ".java"));
        jar(artifactId, "-javadoc.jar", null, "index.html");
    }

    void childPom(String artifactId, String body) throws IOException {
        write(artifactId, "pom.xml", """
                <project>
                  <parent><groupId>dev.tursosync</groupId><artifactId>tursosync-parent</artifactId>\
                <version>1.2.3</version></parent>
                  <artifactId>%s</artifactId>
                  %s
                </project>
                """.formatted(artifactId, body));
    }

    void pom(String artifactId, String body) throws IOException {
        write(artifactId, "pom.xml", """
                <project>
                  <groupId>dev.tursosync</groupId><artifactId>%s</artifactId><version>1.2.3</version>
                  %s
                </project>
                """.formatted(artifactId, body));
    }

    void jar(String artifactId, String suffix, String moduleName, String entry) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (moduleName != null) {
            manifest.getMainAttributes().putValue("Automatic-Module-Name", moduleName);
        }
        Path file = directory(artifactId).resolve(artifactId + "-" + VERSION + suffix);
        try (OutputStream out = Files.newOutputStream(file); JarOutputStream jar = new JarOutputStream(out, manifest)) {
            jar.putNextEntry(new ZipEntry(entry));
            jar.write(new byte[] {1, 2, 3});
            jar.closeEntry();
        }
    }

    /** Writes a signature beside every staged file, as the gpg plugin would. */
    void signAll() throws IOException {
        for (StagedComponent component : StagedComponent.readAll(staging)) {
            for (Path file : component.files()) {
                Files.writeString(file.resolveSibling(component.bundleName(file) + ".asc"), "signature");
            }
        }
    }

    void write(String artifactId, String name, String content) throws IOException {
        Files.writeString(directory(artifactId).resolve(name), content, StandardCharsets.UTF_8);
    }

    Path directory(String artifactId) throws IOException {
        return Files.createDirectories(staging.resolve("dev.tursosync").resolve(artifactId).resolve(VERSION));
    }
}
