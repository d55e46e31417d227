package dev.tursosync.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The release check accepts a complete staging and names each missing or wrong piece. */
final class BundleCheckTests {

    @TempDir
    Path staging;

    BundleFixture fixture;

    @BeforeEach
    void stage() throws IOException {
        fixture = new BundleFixture(staging);
    }

    private List<String> problems(boolean signed) throws IOException {
        return BundleCheck.check(StagedComponent.readAll(staging), "tursosync-bom", signed);
    }

    @Test
    void aCompleteStagingHasNoProblem() throws IOException {
        assertThat(problems(false)).isEmpty();
        fixture.signAll();
        assertThat(problems(true)).isEmpty();
    }

    @Test
    void nothingStagedIsAProblem() throws IOException {
        assertThat(BundleCheck.check(List.of(), "tursosync-bom", false)).containsExactly("nothing was staged");
    }

    @Test
    void eachMissingJarIsNamed() throws IOException {
        Path component = fixture.directory("tursosync-core");
        Files.delete(component.resolve("tursosync-core-1.2.3.jar"));
        Files.delete(component.resolve("tursosync-core-1.2.3-sources.jar"));
        Files.delete(fixture.directory("tursosync-r2dbc").resolve("tursosync-r2dbc-1.2.3-javadoc.jar"));

        assertThat(problems(false)).containsExactlyInAnyOrder(
                "dev.tursosync:tursosync-core:1.2.3: no tursosync-core-1.2.3.jar",
                "dev.tursosync:tursosync-core:1.2.3: no tursosync-core-1.2.3-sources.jar",
                "dev.tursosync:tursosync-r2dbc:1.2.3: no tursosync-r2dbc-1.2.3-javadoc.jar");
    }

    @Test
    void aMissingPomIsNamed() throws IOException {
        Files.delete(fixture.directory("tursosync-r2dbc").resolve("pom.xml"));

        assertThat(problems(false)).contains("dev.tursosync:tursosync-r2dbc:1.2.3: no pom, or more than one");
    }

    @Test
    void emptyJarsAreNamed() throws IOException {
        fixture.jar("tursosync-core", "-sources.jar", null, "README.txt");
        fixture.jar("tursosync-core", "-javadoc.jar", null, "README.txt");
        fixture.jar("tursosync-core", ".jar", "dev.tursosync", "README.txt");

        assertThat(problems(false)).containsExactlyInAnyOrder(
                "dev.tursosync:tursosync-core:1.2.3: tursosync-core-1.2.3-sources.jar has no *.java",
                "dev.tursosync:tursosync-core:1.2.3: tursosync-core-1.2.3-javadoc.jar has no *index.html",
                "dev.tursosync:tursosync-core:1.2.3: tursosync-core-1.2.3.jar has no class");
    }

    @Test
    void aJarWithoutAValidModuleNameIsNamed() throws IOException {
        fixture.jar("tursosync-core", ".jar", null, "dev/tursosync/SyncClient.class");
        fixture.jar("tursosync-r2dbc", ".jar", "tursosync-r2dbc", "dev/tursosync/r2dbc/Driver.class");
        fixture.publishedJar("tursosync-testing", BundleCheck.UNNAMED_MODULE, "dev/tursosync/testing/Server.class");

        String fix = "): set tursosync.moduleName in its pom";
        assertThat(problems(false)).containsExactlyInAnyOrder(
                "dev.tursosync:tursosync-core:1.2.3: tursosync-core-1.2.3.jar has no valid Automatic-Module-Name (null"
                        + fix,
                "dev.tursosync:tursosync-r2dbc:1.2.3: tursosync-r2dbc-1.2.3.jar has no valid Automatic-Module-Name"
                        + " (tursosync-r2dbc" + fix,
                "dev.tursosync:tursosync-testing:1.2.3: tursosync-testing-1.2.3.jar has no valid Automatic-Module-Name"
                        + " (dev.tursosync.unnamed" + fix,
                "tursosync-bom: does not manage the published dev.tursosync:tursosync-testing:1.2.3");
    }

    @Test
    void eachRequiredPomFieldIsChecked() throws IOException {
        fixture.childPom("tursosync-core", "");
        fixture.pom("tursosync-parent", "<packaging>pom</packaging><name>p</name><description>d</description>");

        assertThat(problems(false)).contains(
                "dev.tursosync:tursosync-core:1.2.3: no <name>",
                "dev.tursosync:tursosync-core:1.2.3: no <description>",
                "dev.tursosync:tursosync-core:1.2.3: no <url> (own or a staged parent's)",
                "dev.tursosync:tursosync-core:1.2.3: no <scm/url> (own or a staged parent's)",
                "dev.tursosync:tursosync-core:1.2.3: no <scm/connection> (own or a staged parent's)",
                "dev.tursosync:tursosync-core:1.2.3: no <licenses> with a name and url (own or a staged parent's)",
                "dev.tursosync:tursosync-core:1.2.3: no <developers> with a name (own or a staged parent's)",
                "dev.tursosync:tursosync-parent:1.2.3: no <url> (own or a staged parent's)");
    }

    @Test
    void aParentThatIsNotStagedIsNamed() throws IOException {
        try (var files = Files.walk(fixture.directory("tursosync-parent"))) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }

        assertThat(problems(false))
                .contains("dev.tursosync:tursosync-core:1.2.3: parent dev.tursosync:tursosync-parent:1.2.3 is not staged");
    }

    @Test
    void signaturesAreRequiredWhenSigning() throws IOException {
        fixture.signAll();
        Files.delete(fixture.directory("tursosync-core").resolve("tursosync-core-1.2.3-javadoc.jar.asc"));
        Files.delete(fixture.directory("tursosync-bom").resolve("tursosync-bom-1.2.3.pom.asc"));

        assertThat(problems(true)).containsExactlyInAnyOrder(
                "dev.tursosync:tursosync-core:1.2.3: no signature tursosync-core-1.2.3-javadoc.jar.asc",
                "dev.tursosync:tursosync-bom:1.2.3: no signature tursosync-bom-1.2.3.pom.asc");
    }

    @Test
    void anUnexpectedFileIsNamed() throws IOException {
        fixture.jar("tursosync-core", "-tests.jar", null, "dev/tursosync/SyncClientTests.class");

        assertThat(problems(false))
                .containsExactly("dev.tursosync:tursosync-core:1.2.3: unexpected file tursosync-core-1.2.3-tests.jar");
    }

    @Test
    void theBomManagesExactlyThePublishedJars() throws IOException {
        fixture.publishedJar("tursosync-testing", "dev.tursosync.testing", "dev/tursosync/testing/Server.class");
        try (var files = Files.walk(fixture.directory("tursosync-r2dbc"))) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }

        assertThat(problems(false)).containsExactlyInAnyOrder(
                "tursosync-bom: does not manage the published dev.tursosync:tursosync-testing:1.2.3",
                "tursosync-bom: manages dev.tursosync:tursosync-r2dbc:1.2.3, which is not staged (not published, or"
                        + " built after module release/: add it to release/pom.xml)");
    }

    @Test
    void aBomWithAParentIsAProblem() throws IOException {
        String bom = Files.readString(fixture.directory("tursosync-bom").resolve("pom.xml"));
        fixture.write("tursosync-bom", "pom.xml", bom.replace("<groupId>dev.tursosync</groupId><artifactId>"
                + "tursosync-bom</artifactId>", "<parent><groupId>dev.tursosync</groupId><artifactId>tursosync-parent"
                + "</artifactId><version>1.2.3</version></parent><groupId>dev.tursosync</groupId><artifactId>"
                + "tursosync-bom</artifactId>"));

        assertThat(problems(false)).containsExactly("tursosync-bom: the published BOM has a parent; importing it would"
                + " manage the parent's dependencies too");
    }

    @Test
    void aMissingBomIsAProblem() throws IOException {
        assertThat(BundleCheck.check(StagedComponent.readAll(staging), "other-bom", false))
                .containsExactly("the BOM other-bom is not staged");
    }

    @Test
    void aPomWithOtherCoordinatesIsAProblem() throws IOException {
        fixture.childPom("tursosync-r2dbc", "<artifactId>x</artifactId>");
        String pom = Files.readString(fixture.directory("tursosync-r2dbc").resolve("pom.xml"));
        fixture.write("tursosync-r2dbc", "pom.xml", pom.replace("<artifactId>tursosync-r2dbc</artifactId>", ""));

        assertThat(problems(false)).contains("dev.tursosync:tursosync-r2dbc:1.2.3: its pom is dev.tursosync:x:1.2.3");
    }

    @Test
    void aPackageInTwoJarsIsAProblem() throws IOException {
        fixture.jar("tursosync-r2dbc", ".jar", "dev.tursosync.r2dbc", "dev/tursosync/Other.class");

        assertThat(problems(false)).containsExactly("package dev.tursosync is in both tursosync-core and tursosync-r2dbc");
    }
}
