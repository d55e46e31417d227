package dev.tursosync.release;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/** The parts of a staged pom that the release check reads; a missing element reads as an empty string. */
final class Pom {

    private final Element project;

    private Pom(Element project) {
        this.project = project;
    }

    static Pom read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Document document = factory.newDocumentBuilder().parse(in);
            return new Pom(document.getDocumentElement());
        } catch (ParserConfigurationException | SAXException e) {
            throw new IOException("not a readable pom: " + file + ": " + e.getMessage(), e);
        }
    }

    /** The groupId, inherited from the parent element when the pom has none. */
    String groupId() {
        String own = text(project, "groupId");
        return own.isEmpty() ? text(child(project, "parent"), "groupId") : own;
    }

    String artifactId() {
        return text(project, "artifactId");
    }

    /** The version, inherited from the parent element when the pom has none. */
    String version() {
        String own = text(project, "version");
        return own.isEmpty() ? text(child(project, "parent"), "version") : own;
    }

    String packaging() {
        String own = text(project, "packaging");
        return own.isEmpty() ? "jar" : own;
    }

    /** The parent's coordinates as {@code groupId:artifactId:version}, if the pom has a parent. */
    Optional<String> parent() {
        Element parent = child(project, "parent");
        return parent == null ? Optional.empty()
                : Optional.of(text(parent, "groupId") + ":" + text(parent, "artifactId") + ":" + text(parent, "version"));
    }

    /** The text of a top-level element, or of a nested one given as a path such as {@code scm/url}. */
    String field(String path) {
        Element element = project;
        String[] names = path.split("/");
        for (int i = 0; i < names.length - 1 && element != null; i++) {
            element = child(element, names[i]);
        }
        return text(element, names[names.length - 1]);
    }

    /** Whether the pom has the element {@code list/item} with a non-empty {@code field}, e.g. a license's url. */
    boolean hasListItemWith(String list, String item, String field) {
        Element parent = child(project, list);
        return children(parent, item).stream().anyMatch(element -> !text(element, field).isEmpty());
    }

    /** The dependencyManagement entries as {@code groupId:artifactId:version}, {@code ${project.version}} resolved. */
    List<String> managedDependencies() {
        Element dependencies = child(child(project, "dependencyManagement"), "dependencies");
        return children(dependencies, "dependency").stream()
                .map(dependency -> text(dependency, "groupId") + ":" + text(dependency, "artifactId") + ":"
                        + text(dependency, "version").replace("${project.version}", version()))
                .toList();
    }

    private static String text(Element parent, String name) {
        Element element = child(parent, name);
        return element == null ? "" : element.getTextContent().strip();
    }

    private static Element child(Element parent, String name) {
        List<Element> found = children(parent, name);
        return found.isEmpty() ? null : found.get(0);
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> found = new ArrayList<>();
        if (parent == null) {
            return found;
        }
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element && name.equals(element.getTagName())) {
                found.add(element);
            }
        }
        return found;
    }
}
