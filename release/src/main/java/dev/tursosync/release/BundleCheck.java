package dev.tursosync.release;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * What Maven Central requires of the staged components, and what users of the BOM rely on: for every published artifact
 * a pom with the required metadata (own or a staged parent's), the jar with a module name, the sources and javadoc
 * jars, their signatures when signing; a BOM that manages exactly the published jars and has no parent.
 */
final class BundleCheck {

    /** The module name of a jar whose module does not set one (the parent pom's default). */
    static final String UNNAMED_MODULE = "dev.tursosync.unnamed";
    private static final Pattern MODULE_NAME = Pattern.compile("[A-Za-z_$][\\w$]*(\\.[A-Za-z_$][\\w$]*)*");
    /** The metadata a pom may inherit from a staged parent, as paths into the pom. */
    private static final List<String> INHERITABLE_FIELDS = List.of("url", "scm/url", "scm/connection");

    private final List<StagedComponent> components;
    private final String bomArtifactId;
    private final boolean signed;
    private final Map<String, Pom> poms = new HashMap<>();
    private final Set<String> problems = new LinkedHashSet<>();

    private BundleCheck(List<StagedComponent> components, String bomArtifactId, boolean signed) {
        this.components = components;
        this.bomArtifactId = bomArtifactId;
        this.signed = signed;
    }

    /** Returns every problem found, empty when the staged components make a valid bundle. */
    static List<String> check(List<StagedComponent> components, String bomArtifactId, boolean signed) {
        BundleCheck check = new BundleCheck(components, bomArtifactId, signed);
        check.run();
        return List.copyOf(check.problems);
    }

    private void run() {
        if (components.isEmpty()) {
            problems.add("nothing was staged");
            return;
        }
        components.forEach(this::readPom);
        components.forEach(this::checkComponent);
        checkBom();
        checkSplitPackages();
    }

    private void readPom(StagedComponent component) {
        Optional<Path> file = component.pomFile();
        if (file.isEmpty()) {
            problems.add(component.coordinates() + ": no pom, or more than one");
            return;
        }
        try {
            Pom pom = Pom.read(file.get());
            String staged = pom.groupId() + ":" + pom.artifactId() + ":" + pom.version();
            if (!staged.equals(component.coordinates())) {
                problems.add(component.coordinates() + ": its pom is " + staged);
            }
            poms.put(component.coordinates(), pom);
        } catch (IOException e) {
            problems.add(component.coordinates() + ": " + e.getMessage());
        }
    }

    private void checkComponent(StagedComponent component) {
        Pom pom = poms.get(component.coordinates());
        if (pom == null) {
            return;
        }
        checkMetadata(component, pom);
        Set<String> expected = new LinkedHashSet<>();
        expected.add(component.fileName(".pom"));
        if (pom.packaging().equals("jar")) {
            expected.add(checkMainJar(component));
            expected.add(checkContains(component, "-sources.jar", ".java"));
            expected.add(checkContains(component, "-javadoc.jar", "index.html"));
        } else if (!pom.packaging().equals("pom")) {
            problems.add(component.coordinates() + ": packaging " + pom.packaging() + " is not published");
        }
        if (signed) {
            List.copyOf(expected).forEach(name -> expected.add(name + ".asc"));
        }
        Set<String> staged = component.files().stream().map(component::bundleName)
                .collect(Collectors.toCollection(TreeSet::new));
        expected.stream().filter(name -> !staged.contains(name))
                .filter(name -> name.endsWith(".asc"))
                .forEach(name -> problems.add(component.coordinates() + ": no signature " + name));
        staged.stream().filter(name -> !expected.contains(name))
                .forEach(name -> problems.add(component.coordinates() + ": unexpected file " + name));
    }

    private void checkMetadata(StagedComponent component, Pom pom) {
        for (String field : List.of("name", "description")) {
            if (pom.field(field).isEmpty()) {
                problems.add(component.coordinates() + ": no <" + field + ">");
            }
        }
        for (String field : INHERITABLE_FIELDS) {
            if (inherited(component, pom, candidate -> !candidate.field(field).isEmpty()).isEmpty()) {
                problems.add(component.coordinates() + ": no <" + field + "> (own or a staged parent's)");
            }
        }
        if (inherited(component, pom, candidate -> candidate.hasListItemWith("licenses", "license", "name")
                && candidate.hasListItemWith("licenses", "license", "url")).isEmpty()) {
            problems.add(component.coordinates() + ": no <licenses> with a name and url (own or a staged parent's)");
        }
        if (inherited(component, pom, candidate -> candidate.hasListItemWith("developers", "developer", "name"))
                .isEmpty()) {
            problems.add(component.coordinates() + ": no <developers> with a name (own or a staged parent's)");
        }
    }

    /** The first pom up the parent chain (this one included) that satisfies the test; parents must be staged. */
    private Optional<Pom> inherited(StagedComponent component, Pom pom, Predicate<Pom> test) {
        Pom current = pom;
        Set<String> seen = new LinkedHashSet<>();
        while (current != null) {
            if (test.test(current)) {
                return Optional.of(current);
            }
            Optional<String> parent = current.parent();
            if (parent.isEmpty() || !seen.add(parent.get())) {
                return Optional.empty();
            }
            current = poms.get(parent.get());
            if (current == null) {
                problems.add(component.coordinates() + ": parent " + parent.get() + " is not staged");
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    private String checkMainJar(StagedComponent component) {
        String name = component.fileName(".jar");
        Optional<Path> file = component.file(".jar");
        if (file.isEmpty()) {
            problems.add(component.coordinates() + ": no " + name);
            return name;
        }
        try (JarFile jar = new JarFile(file.get().toFile())) {
            String moduleName = jar.getManifest() == null ? null
                    : jar.getManifest().getMainAttributes().getValue("Automatic-Module-Name");
            if (moduleName == null || !MODULE_NAME.matcher(moduleName).matches()
                    || moduleName.equals(UNNAMED_MODULE)) {
                problems.add(component.coordinates() + ": " + name + " has no valid Automatic-Module-Name ("
                        + moduleName + "): set tursosync.moduleName in its pom");
            }
            if (jar.stream().noneMatch(entry -> entry.getName().endsWith(".class"))) {
                problems.add(component.coordinates() + ": " + name + " has no class");
            }
        } catch (IOException e) {
            problems.add(component.coordinates() + ": " + name + " is not a jar: " + e.getMessage());
        }
        return name;
    }

    private String checkContains(StagedComponent component, String suffix, String entrySuffix) {
        String name = component.fileName(suffix);
        Optional<Path> file = component.file(suffix);
        if (file.isEmpty()) {
            problems.add(component.coordinates() + ": no " + name);
            return name;
        }
        try (ZipFile zip = new ZipFile(file.get().toFile())) {
            if (zip.stream().noneMatch(entry -> entry.getName().endsWith(entrySuffix))) {
                problems.add(component.coordinates() + ": " + name + " has no *" + entrySuffix);
            }
        } catch (IOException e) {
            problems.add(component.coordinates() + ": " + name + " is not a zip: " + e.getMessage());
        }
        return name;
    }

    private void checkBom() {
        Optional<StagedComponent> bom = components.stream()
                .filter(component -> component.artifactId().equals(bomArtifactId)).findFirst();
        Pom bomPom = bom.map(component -> poms.get(component.coordinates())).orElse(null);
        if (bomPom == null) {
            problems.add("the BOM " + bomArtifactId + " is not staged");
            return;
        }
        if (bomPom.parent().isPresent()) {
            problems.add(bomArtifactId + ": the published BOM has a parent; importing it would manage the parent's "
                    + "dependencies too");
        }
        Set<String> managed = new TreeSet<>(bomPom.managedDependencies());
        Set<String> published = components.stream()
                .filter(component -> poms.containsKey(component.coordinates()))
                .filter(component -> poms.get(component.coordinates()).packaging().equals("jar"))
                .map(StagedComponent::coordinates)
                .collect(Collectors.toCollection(TreeSet::new));
        published.stream().filter(coordinates -> !managed.contains(coordinates))
                .forEach(coordinates -> problems.add(bomArtifactId + ": does not manage the published " + coordinates));
        managed.stream().filter(coordinates -> !published.contains(coordinates))
                .forEach(coordinates -> problems.add(bomArtifactId + ": manages " + coordinates
                        + ", which is not staged (not published, or built after module release/: add it to"
                        + " release/pom.xml)"));
    }

    /** Two published jars with classes in the same package cannot both be on the module path. */
    private void checkSplitPackages() {
        Map<String, String> owners = new HashMap<>();
        for (StagedComponent component : components) {
            Optional<Path> jar = component.file(".jar");
            if (jar.isEmpty()) {
                continue;
            }
            for (String pkg : packages(jar.get())) {
                String other = owners.putIfAbsent(pkg, component.artifactId());
                if (other != null) {
                    problems.add("package " + pkg + " is in both " + other + " and " + component.artifactId());
                }
            }
        }
    }

    private static Set<String> packages(Path jar) {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            return zip.stream().map(ZipEntry::getName)
                    .filter(name -> name.endsWith(".class") && !name.startsWith("META-INF/"))
                    .filter(name -> name.lastIndexOf('/') > 0)
                    .map(name -> name.substring(0, name.lastIndexOf('/')).replace('/', '.'))
                    .collect(Collectors.toCollection(TreeSet::new));
        } catch (IOException e) {
            return Set.of();
        }
    }
}
